"""Users, roles and bearer tokens, kept in ``<index dir>/service/users.sqlite``.

Only an HMAC-SHA256 of each token (keyed by ``LEIAN_SECRET_KEY``) is stored; the token itself is shown once,
when it is made. Each role has a fixed set of permissions and every API route asks for one of them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from corpus.pseudonymise import PseudonymiseOptions
from leian.errors import InputError, NotFoundError

__all__ = [
    "MASKING",
    "PERMISSIONS",
    "Permission",
    "Role",
    "User",
    "UserStore",
    "service_dir",
]


class Role(StrEnum):
    """The four kinds of user the product serves (see docs/DOMAIN.md §1)."""

    JUDGE = "judge"  # 承办法官 and assistants
    COMMITTEE = "committee"  # 审判委员会, 专业法官会议
    MANAGEMENT = "management"  # 审判管理办公室
    ADMIN = "admin"  # system administrator: ingestion and the access log, not case content


class Permission(StrEnum):
    """What a route needs."""

    SEARCH = "search"
    VIEW_CASE = "view_case"
    EXPORT = "export"
    INGEST = "ingest"
    READ_AUDIT_LOG = "read_audit_log"
    EXPECT_OUTCOME = "expect_outcome"  # expected outcome of a case and consistency reports over similar cases
    AUDIT_OUTCOMES = "audit_outcomes"  # deviation flags of decided outcomes (同案不同判预警)
    AUDIT_SUMMARY = "audit_summary"  # the audit log's chain state and counts per day, action and role


_READ = frozenset({Permission.SEARCH, Permission.VIEW_CASE, Permission.EXPORT, Permission.EXPECT_OUTCOME})

#: A judge sees the expectation for a draft but does not audit decided judgments; management sees the audit log's
#: counts (never per user, never its entries); only the admin reads the entries themselves.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.JUDGE: _READ,
    Role.COMMITTEE: _READ | {Permission.AUDIT_OUTCOMES},
    Role.MANAGEMENT: _READ | {Permission.AUDIT_OUTCOMES, Permission.AUDIT_SUMMARY},
    Role.ADMIN: frozenset({Permission.INGEST, Permission.READ_AUDIT_LOG, Permission.AUDIT_SUMMARY}),
}

#: How party names are masked for each role that may read cases. Management also masks judges' and
#: lawyers' names: its views are for consultation, never for ranking judges (DOMAIN.md §6).
MASKING: dict[Role, PseudonymiseOptions] = {
    Role.JUDGE: PseudonymiseOptions(keep_surname=True, mask_officials=False),
    Role.COMMITTEE: PseudonymiseOptions(keep_surname=True, mask_officials=False),
    Role.MANAGEMENT: PseudonymiseOptions(keep_surname=False, mask_officials=True),
}

_TOKEN_PREFIX = "leian_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    expires REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
"""


def service_dir(index_dir: Path) -> Path:
    """Where the service keeps its own files inside an index directory."""
    return Path(index_dir) / "service"


@dataclass(frozen=True)
class User:
    """An authenticated user."""

    name: str
    role: Role
    expires: float

    def can(self, permission: Permission) -> bool:
        """Whether the user's role grants ``permission``."""
        return permission in PERMISSIONS[self.role]


class UserStore:
    """The users of one index directory and their hashed tokens."""

    def __init__(self, index_dir: Path, secret_key: str) -> None:
        path = service_dir(index_dir) / "users.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._key = secret_key.encode("utf-8")
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def _hash(self, token: str) -> str:
        return hmac.new(self._key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    def add(self, name: str, role: Role | str, ttl_days: int, *, replace: bool = False) -> str:
        """Create (or with ``replace`` re-issue) a user; returns the new token, which is never stored."""
        name = name.strip()
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise InputError(f"用户名无效 invalid user name {name!r}: 1–64 characters without spaces")
        try:
            role = Role(role)
        except ValueError:
            choices = ", ".join(r.value for r in Role)
            raise InputError(f"角色无效 unknown role {role!r}; choose one of {choices}") from None
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = time.time()
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        with self._lock:
            try:
                self._db.execute(
                    f"{verb} INTO users (name, role, token_hash, created, expires, revoked) VALUES (?, ?, ?, ?, ?, 0)",
                    (name, role.value, self._hash(token), now, now + ttl_days * 86400),
                )
            except sqlite3.IntegrityError:
                raise InputError(f"用户已存在 user {name!r} exists; use --replace to issue a new token") from None
        return token

    def revoke(self, name: str) -> None:
        """Revoke a user's token."""
        with self._lock:
            cur = self._db.execute("UPDATE users SET revoked = 1 WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise NotFoundError(f"用户不存在 no user named {name!r}")

    def list(self) -> list[dict[str, object]]:
        """Every user with role, dates and state (never a token)."""
        with self._lock:
            rows = self._db.execute("SELECT name, role, created, expires, revoked FROM users ORDER BY name").fetchall()
        return [{"name": n, "role": r, "created": c, "expires": e, "revoked": bool(v)} for n, r, c, e, v in rows]

    def authenticate(self, token: str) -> User | None:
        """The user a token belongs to, or None when it is unknown, revoked or expired."""
        if not token.startswith(_TOKEN_PREFIX) or len(token) > 200:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, expires, revoked FROM users WHERE token_hash = ?", (self._hash(token),)
            ).fetchone()
        if row is None or row[3] or row[2] < time.time():
            return None
        return User(name=row[0], role=Role(row[1]), expires=row[2])

    def close(self) -> None:
        """Close the database."""
        self._db.close()
