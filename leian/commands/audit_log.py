"""``leian audit-log verify|show --index DIR``: check the service's hash chain, or print its latest entries."""

from __future__ import annotations

import argparse
import json

from api.audit_log import AuditLog
from leian.errors import NotFoundError
from leian.settings import get_settings

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the subcommands and their arguments."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = sub.add_parser("verify", help="recompute the hash chain; exit status 1 when it is broken")
    show = sub.add_parser("show", help="print the latest entries")
    show.add_argument("--limit", type=int, default=20, help="how many entries (default 20)")
    for p in (verify, show):
        p.add_argument("--index", required=True, metavar="DIR", help="the index directory the service serves")
        p.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    """Verify or show."""
    directory = get_settings().index_dir(args.index)
    if not (directory / "service" / "audit.sqlite").exists():
        raise NotFoundError(f"没有审计日志 no audit log in {directory} (the service has not been used yet)")
    log = AuditLog(directory)
    try:
        if args.action == "show":
            entries = log.tail(args.limit)
            for e in entries:
                if args.json:
                    print(json.dumps(e.to_dict(), ensure_ascii=False))
                else:
                    print(f"{e.seq}\t{e.ts}\t{e.actor}({e.role})\t{e.action}\t{e.target}\t{e.outcome}")
            return 0
        check = log.verify()
    finally:
        log.close()
    if args.json:
        print(json.dumps(check.__dict__, ensure_ascii=False))
    elif check.ok:
        print(f"审计日志完整 audit log intact: {check.entries} entries, head {check.head}")
    else:
        print(f"审计日志已被篡改 audit log BROKEN ({check.entries} entries):")
        for problem in check.problems:
            print(f"  {problem}")
    return 0 if check.ok else 1
