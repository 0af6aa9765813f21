"""The record of delivered digests (`digest_log`): what makes `tracktwo digest --send` idempotent."""

from __future__ import annotations

from datetime import datetime

import duckdb

SENT_SQL = "SELECT DISTINCT recipient FROM digest_log WHERE week = ? AND status = 'sent'"
PREVIOUS_SENT_SQL = "SELECT max(week) FROM digest_log WHERE recipient = ? AND status = 'sent' AND week < ?"
INSERT_SQL = """
INSERT INTO digest_log (week, recipient, message_id, status, error, regions, subject, resend, sent_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def sent_recipients(con: duckdb.DuckDBPyConnection, week: str) -> set[str]:
    """Recipients (lower-cased) whose digest for `week` was delivered."""
    return {r[0] for r in con.execute(SENT_SQL, [week]).fetchall()}


def previous_sent_week(con: duckdb.DuckDBPyConnection, recipient: str, week: str) -> str | None:
    """The last week before `week` whose digest reached `recipient`."""
    return con.execute(PREVIOUS_SENT_SQL, [recipient.lower(), week]).fetchone()[0]


def record_delivery(con: duckdb.DuckDBPyConnection, *, week: str, recipient: str, message_id: str, ok: bool,
                    error: str | None, regions: list[str], subject: str, resend: bool, at: datetime) -> None:
    con.execute(INSERT_SQL, [week, recipient.lower(), message_id, "sent" if ok else "failed", error, regions,
                             subject, resend, at])
