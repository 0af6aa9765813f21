# tracktwo: the commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test run airflow bench clean constraints

install: $(STAMP)

# Re-installs only when the dependency set changes; `pip install -c` pins everything.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,airflow]'
	touch $(STAMP)

demo: install
	$(BIN)/tracktwo demo

test: install
	$(BIN)/python -m pytest -q

# The live pipeline once: ingest every enabled source, incremental indicators, dashboard.
run: install
	$(BIN)/tracktwo run

# Airflow on the embedded defaults (SQLite, AIRFLOW_HOME=data/airflow, our dags/, the one-slot pool).
airflow: install
	scripts/airflow.sh

bench: install
	$(BIN)/python -m bench.run

# Regenerate the pinned constraints from the current venv (after changing dependencies).
constraints:
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v '^tracktwo\|^pip==' > constraints.txt

clean:
	rm -rf $(VENV) data/demo .pytest_cache
