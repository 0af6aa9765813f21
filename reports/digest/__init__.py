"""Weekly email digest: per subscriber, a short sourced account of the regions they follow.

Split along its seams: `settings` (config/digest.yaml), `weeks` (ISO weeks),
`content` (what a digest says, read from the warehouse's views), `render` (text,
HTML, the email message) and `send` (the weekly run: files or SMTP, idempotent
through the digest log). The names below are its public surface.
"""

from reports.digest.content import Link, pick_stories
from reports.digest.send import run_weekly
from reports.digest.settings import load_settings
from reports.digest.weeks import last_complete_week, parse_week, previous_week

__all__ = ["Link", "last_complete_week", "load_settings", "parse_week", "pick_stories", "previous_week", "run_weekly"]
