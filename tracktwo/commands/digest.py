"""digest: the weekly email digest, written to files or sent over SMTP."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape

from tracktwo import pipeline
from tracktwo.core.config import Config

STYLE = {"sent": "green", "written": "cyan", "skipped": "yellow", "failed": "red"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("digest", help="weekly email digest per subscriber (files by default, SMTP with --send)")
    p.add_argument("--week", help="ISO week such as 2026-W47 (default: the last complete week)")
    p.add_argument("--send", action="store_true",
                   help="deliver over SMTP (TRACKTWO_SMTP_* or Airflow smtp_default); without it only files are written")
    p.add_argument("--to", metavar="EMAIL",
                   help="only this subscriber (an address not in digest.yaml gets every region, as a preview)")
    p.add_argument("--resend", action="store_true", help="send again to recipients who already got this week's digest")
    p.set_defaults(func=cmd_digest)


def cmd_digest(args, config: Config, console: Console) -> int:
    def line(recipient: str, status: str, detail: str) -> None:
        console.print(f"  {recipient:<32} [{STYLE.get(status, 'white')}]{status:<8}[/] {escape(detail)}", soft_wrap=True)

    summary = pipeline.digest(config, week=args.week, send=args.send, to=args.to, resend=args.resend, on_result=line)
    week = summary["week"]
    if summary["no_data"]:
        console.print(f"no data for {week} in the regions of: {', '.join(summary['no_data'])} (the message says so)", soft_wrap=True)
    if summary["quiet"]:
        console.print(f"no counted events or documents in {week} in the regions of: {', '.join(summary['quiet'])} (on the days "
                      "known; the message says so)", soft_wrap=True)
    if summary["unknown"]:
        console.print(f"nothing known of {week} in the regions of: {', '.join(summary['unknown'])} (no document, event "
                      "numbers known on no day; the message says so)", soft_wrap=True)
    if args.send:
        console.print(f"{week}: {len(summary['sent'])} sent, {len(summary['skipped'])} already sent before, "
                      f"{len(summary['failed'])} failed", soft_wrap=True)
    else:
        console.print(f"{week}: {summary['messages']} digest(s) written to "
                      f"{config.settings.data_dir / 'digests' / week} (nothing sent; use --send to deliver)", soft_wrap=True)
    return 1 if summary["failed"] else 0
