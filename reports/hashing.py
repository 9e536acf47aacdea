"""The report's content hash: SHA-256 over a canonical JSON form, and its verification.

Canonical form: the report dict without ``content_hash`` and without the volatile ``generation`` block (how long
the run took — the only part that differs between two runs on the same input and index), serialised with sorted
keys, no insignificant whitespace and UTF-8 (``ensure_ascii=False``). ``search_time`` is content (art 8 requires
it) and is hashed; pass it in to reproduce a report byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["HASH_SCOPE", "canonical_json", "content_hash", "seal", "verify"]

_EXCLUDED = ("content_hash", "generation")
_PREFIX = "sha256:"

#: Stated in every report so that anyone can recompute the hash.
HASH_SCOPE = {
    "algorithm": "SHA-256",
    "canonical_form": "JSON, sort_keys=True, separators=(',', ':'), ensure_ascii=False, UTF-8",
    "excluded_fields": list(_EXCLUDED),
    "why_excluded": "content_hash 为哈希本身；generation 仅记录生成耗时，每次运行不同，不属于报告内容",
}


def canonical_json(report: dict[str, Any]) -> str:
    """The canonical JSON text the hash is computed over."""
    body = {k: v for k, v in report.items() if k not in _EXCLUDED}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(report: dict[str, Any]) -> str:
    """``sha256:<hex>`` of :func:`canonical_json`."""
    return _PREFIX + hashlib.sha256(canonical_json(report).encode("utf-8")).hexdigest()


def seal(report: dict[str, Any]) -> dict[str, Any]:
    """The report with ``hash_scope`` in its signature block and ``content_hash`` set (a new dict)."""
    out = dict(report)
    if isinstance(out.get("signature"), dict):
        out["signature"] = {**out["signature"], "hash_scope": HASH_SCOPE}
    out["content_hash"] = content_hash(out)
    return out


def verify(report: dict[str, Any]) -> bool:
    """True when ``report['content_hash']`` matches its content."""
    stated = report.get("content_hash")
    return isinstance(stated, str) and stated == content_hash(report)
