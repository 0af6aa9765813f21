#!/usr/bin/env bash
# Run Airflow locally for tracktwo on the embedded defaults (`make airflow`).
#
#   scripts/airflow.sh              db migrate, create the pool, then `airflow standalone`
#   scripts/airflow.sh ARGS...      any airflow command in the same environment,
#                                   e.g. `scripts/airflow.sh dags list` or `dags test tracktwo_ingest_feeds`
#
# AIRFLOW_HOME defaults to data/airflow (SQLite metadata database inside it, unless
# AIRFLOW__DATABASE__SQL_ALCHEMY_CONN says otherwise); the dags folder is this repo's dags/.
# See docs/airflow.md for the DAGs and for running it in production.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AIRFLOW_BIN="${AIRFLOW_BIN:-$ROOT/.venv/bin/airflow}"
[ -x "$AIRFLOW_BIN" ] || AIRFLOW_BIN="$(command -v airflow || true)"
if [ -z "$AIRFLOW_BIN" ]; then
  echo "airflow not found: run \`make install\` first (or set AIRFLOW_BIN)" >&2
  exit 2
fi

# `airflow standalone` starts its components as `airflow ...` subprocesses: put ours first on PATH.
export PATH="$(dirname "$AIRFLOW_BIN"):$PATH"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/data/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"  # this machine only; set 0.0.0.0 to expose it
# Task processes report to the API server's execution API: follow the port chosen above.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="${AIRFLOW__CORE__EXECUTION_API_SERVER_URL:-http://127.0.0.1:${AIRFLOW__API__PORT}/execution/}"
# The DAG tasks read tracktwo's config and data folders from here (absolute: tasks run elsewhere).
export TRACKTWO_CONFIG_DIR="$(cd "${TRACKTWO_CONFIG_DIR:-$ROOT/config}" && pwd)"
mkdir -p "${TRACKTWO_DATA_DIR:-$ROOT/data}" "$AIRFLOW_HOME"
export TRACKTWO_DATA_DIR="$(cd "${TRACKTWO_DATA_DIR:-$ROOT/data}" && pwd)"

# Idempotent setup, before any command: the metadata database, the pool, and the DAGs parsed
# into it (so `dags list` shows them at once, not after the first DAG-processor pass).
"$AIRFLOW_BIN" db migrate >/dev/null 2>&1
# Every task that opens the DuckDB warehouse runs in this one-slot pool: one writer at a time.
"$AIRFLOW_BIN" pools set tracktwo_duckdb 1 "tracktwo: writers of the lake take turns" >/dev/null 2>&1
"$AIRFLOW_BIN" dags reserialize >/dev/null 2>&1 || echo "warning: dags reserialize failed; see \`$0 dags list-import-errors\`" >&2

if [ "$#" -gt 0 ]; then
  exec "$AIRFLOW_BIN" "$@"
fi

cat <<INFO

  tracktwo on Airflow (standalone: api-server, scheduler, dag-processor, triggerer)
  UI:        http://${AIRFLOW__API__HOST/0.0.0.0/localhost}:${AIRFLOW__API__PORT}
  login:     user admin; the generated password is printed below once ready and kept in
             $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated
  DAGs:      $AIRFLOW__CORE__DAGS_FOLDER (new DAGs start paused: unpause them in the UI)
  config:    $TRACKTWO_CONFIG_DIR
  data:      $TRACKTWO_DATA_DIR
  pool:      tracktwo_duckdb (1 slot)
  stop with Ctrl-C

INFO
exec "$AIRFLOW_BIN" standalone
