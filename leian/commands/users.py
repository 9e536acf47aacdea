"""``leian users add|list|revoke``: service users, their roles and tokens (stored hashed in the index directory).

``leian users add NAME --role ROLE --index DIR`` prints the new token as the last word of its output; it is
shown once and cannot be recovered (issue a new one with ``--replace``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import time

from api.audit_log import AuditLog
from api.security import Role, UserStore
from api.settings import load_service_settings
from leian.errors import NotFoundError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the subcommands and their arguments."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="create a user and print its token (last word)")
    add.add_argument("name", help="user name, e.g. 张法官 or zhang.san")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--ttl-days", type=int, help="token validity in days (default $LEIAN_TOKEN_TTL_DAYS or 90)")
    add.add_argument("--replace", action="store_true", help="issue a new token to an existing user")
    listing = sub.add_parser("list", help="list users (never tokens)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    revoke = sub.add_parser("revoke", help="revoke a user's token")
    revoke.add_argument("name")
    for p in (add, listing, revoke):
        p.add_argument("--index", required=True, metavar="DIR", help="the index directory the service serves")


def run(args: argparse.Namespace) -> int:
    """Carry out the action; additions and revocations are written to the audit log."""
    settings = load_service_settings()
    directory = settings.index_dir(args.index)
    if not (directory / "manifest.json").exists():
        raise NotFoundError(f"索引不存在 no index at {directory}: build one with `leian ingest --index {directory} …`")
    store = UserStore(directory, settings.secret_key.get_secret_value())
    actor = f"cli:{getpass.getuser()}"
    try:
        if args.action == "list":
            users = store.list()
            if args.json:
                print(json.dumps(users, ensure_ascii=False, indent=2))
            for u in [] if args.json else users:
                expires = time.strftime("%Y-%m-%d", time.localtime(float(u["expires"])))  # type: ignore[arg-type]
                print(f"{u['name']}\t{u['role']}\t有效期至 {expires}" + ("\t已撤销 revoked" if u["revoked"] else ""))
            return 0
        audit = AuditLog(directory)
        try:
            if args.action == "revoke":
                store.revoke(args.name)
                audit.append(actor, "admin", "user.revoke", args.name)
                print(f"已撤销用户 {args.name} 的令牌 token revoked")
                return 0
            ttl = args.ttl_days or settings.token_ttl_days
            token = store.add(args.name, args.role, ttl, replace=args.replace)
            audit.append(actor, "admin", "user.add", args.name, details={"role": args.role, "ttl_days": ttl})
        finally:
            audit.close()
    finally:
        store.close()
    print(f"已创建用户 {args.name}（角色 {args.role}，{ttl} 天有效）。令牌只显示这一次 token, shown once: {token}")
    return 0
