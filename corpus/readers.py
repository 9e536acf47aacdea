"""Read judgment records from files and directories of every format the corpus uses, never failing the batch.

Formats (``RawRecord.format``): LeCaRD candidates (``lecard``), CAIL2018 (``cail2018``), interchange records and
LeCaRD queries and pending cases (``interchange``), cjrc facts (``cjrc``), plain-text judgments (``text``), SPC
guiding cases (``spc_guiding``), SPC Gazette cases (``spc_gazette``) and SPP guiding cases (``spp_guiding``).
A record that cannot be read becomes a :class:`ReadProblem` naming the file and line; reading goes on.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus.model import RawRecord

__all__ = ["MAX_RECORD_CHARS", "ReadProblem", "decode_text", "read_file", "read_records", "record_from_object"]

#: The largest record (characters of text) accepted; larger ones are reported, not read.
MAX_RECORD_CHARS = 5_000_000
# A JSON line may escape every character (\uXXXX = 6 bytes); past this many bytes it cannot hold a legal record.
_MAX_LINE_BYTES = MAX_RECORD_CHARS * 6
_TEXT_SUFFIXES = (".txt", ".text")
_JSON_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".json.gz", ".gz")
_BINARY_RE = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


@dataclass(frozen=True)
class ReadProblem:
    """A record that could not be read: where (``source`` file, 1-based ``line`` or ``None``) and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line is not None else f"{self.source}: {self.reason}"


def read_records(paths: Sequence[str | Path]) -> Iterator[RawRecord | ReadProblem]:
    """Every record in ``paths`` (files, or directories walked recursively in sorted order), in order.

    The format is detected per file and, for JSON lines, per line. Unreadable records are yielded as
    :class:`ReadProblem` and reading continues; duplicate ids are passed through (deduplication is the store's job).
    """
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield from read_file(Path(root) / name)
        elif p.exists():
            yield from read_file(p)
        else:
            yield ReadProblem(str(p), None, "no such file or directory")


def read_file(path: Path) -> Iterator[RawRecord | ReadProblem]:
    """The records of one file (see :func:`read_records`)."""
    name = path.name.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ReadProblem(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    if size == 0:
        yield ReadProblem(str(path), None, "empty file")
        return
    try:
        if name.endswith(_JSON_SUFFIXES):
            yield from _read_json_lines(path)
        elif name.endswith(".md"):
            yield from _read_markdown(path, size)
        elif name.endswith(_TEXT_SUFFIXES) or "." not in name:
            yield from _read_text(path, size)
        else:
            yield ReadProblem(str(path), None, "unsupported file type (expected .jsonl, .json, .gz, .txt or .md)")
    except OSError as exc:  # e.g. a truncated gzip stream: keep what was read, report the rest
        yield ReadProblem(str(path), None, f"cannot read further: {exc}")
    except EOFError:
        yield ReadProblem(str(path), None, "cannot read further: compressed file ends early")


def decode_text(data: bytes) -> str | None:
    """Text from bytes in UTF-8 (with or without BOM) or GB18030, tried strictly in that order; ``None`` if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return bool(sample) and len(_BINARY_RE.findall(sample)) > max(2, len(sample) // 100)


def _read_text(path: Path, size: int) -> Iterator[RawRecord | ReadProblem]:
    if size > MAX_RECORD_CHARS * 4:  # even 4-byte characters would exceed the limit
        yield ReadProblem(str(path), None, f"record too large: {size} bytes (limit {MAX_RECORD_CHARS} characters)")
        return
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        yield ReadProblem(str(path), None, "binary data, not a text judgment")
        return
    text = decode_text(data)
    if text is None:
        yield ReadProblem(str(path), None, "not valid UTF-8 or GB18030 text")
        return
    if _looks_binary(text):
        yield ReadProblem(str(path), None, "binary data, not a text judgment")
        return
    if len(text) > MAX_RECORD_CHARS:
        yield ReadProblem(str(path), None, f"record too large: {len(text)} characters (limit {MAX_RECORD_CHARS})")
        return
    if not text.strip():
        yield ReadProblem(str(path), None, "record without text")
        return
    yield RawRecord(id=f"text-{path.stem}", text=text.strip(), source=str(path), format="text")


def _read_json_lines(path: Path) -> Iterator[RawRecord | ReadProblem]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        head = fh.read(1)
        while head in (b" ", b"\n", b"\r", b"\t", b"\xef", b"\xbb", b"\xbf"):
            head = fh.read(1)
    if head == b"[":
        yield from _read_json_array(path, opener)
        return
    if head == b"{" and not _first_line_is_json(path, opener):
        # A pretty-printed JSON document rather than JSON lines (or a truncated first line: then read by line).
        whole = list(_read_json_array(path, opener, single=True))
        if whole:
            yield from whole
            return
    cjrc_ids: set[str] = set()
    with opener(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = str(path)
            if len(raw) > _MAX_LINE_BYTES:
                yield ReadProblem(where, lineno, f"record too large: {len(raw)} bytes")
                continue
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                alt = decode_text(raw)
                if alt is None:
                    yield ReadProblem(where, lineno, "not valid UTF-8 or GB18030 text")
                    continue
                line = alt
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield ReadProblem(where, lineno, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            record = record_from_object(obj, source=f"{path}:{lineno}", stem=path.name.split(".")[0], line=lineno)
            if isinstance(record, RawRecord) and record.format == "cjrc":
                # CJRC numbers the paragraphs of each half of its file from 1 again: a repeated id there is another
                # paragraph (another case), not a newer version of the same one, so it keeps its own id.
                if record.id in cjrc_ids:
                    record = replace(record, id=f"{record.id}-{lineno}")
                cjrc_ids.add(record.id)
            yield record


def _first_line_is_json(path: Path, opener: Any) -> bool:
    with opener(path, "rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    json.loads(raw.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    return False
                return True
    return False


def _read_json_array(path: Path, opener: Any, *, single: bool = False) -> Iterator[RawRecord | ReadProblem]:
    """A file holding one JSON document: an array of records, or (``single``) one object.

    With ``single``, nothing is yielded when the file is not one valid JSON document, so that the caller can fall
    back to reading it line by line.
    """
    with opener(path, "rb") as fh:
        data = fh.read(_MAX_LINE_BYTES + 1)
    if len(data) > _MAX_LINE_BYTES:
        yield ReadProblem(str(path), None, "JSON array too large; write JSON lines instead")
        return
    text = decode_text(data)
    if text is None:
        yield ReadProblem(str(path), None, "not valid UTF-8 or GB18030 text")
        return
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        if not single:
            yield ReadProblem(str(path), exc.lineno, f"invalid JSON: {exc.msg}")
        return
    if isinstance(items, dict):
        if not any(k in items for k in ("id", "text", "fact", "qw", "ajjbqk")):
            keys = ", ".join(sorted(map(str, items))[:5])
            yield ReadProblem(str(path), None, f"a JSON document, not records (keys: {keys} …)")
            return
        items = [items]
    for i, obj in enumerate(items, start=1):
        yield record_from_object(obj, source=f"{path}#{i}", stem=path.name.split(".")[0], line=i, where=str(path))


def _text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def record_from_object(
    obj: Any, *, source: str, stem: str = "record", line: int | None = None, where: str | None = None
) -> RawRecord | ReadProblem:
    """Turn one decoded JSON object into a :class:`RawRecord` of the format its keys reveal, or a problem."""
    where = where or source.rsplit(":", 1)[0]
    if not isinstance(obj, dict):
        return ReadProblem(where, line, f"not a JSON object but {type(obj).__name__}")
    fields = {k: v for k, v in obj.items()}
    rid = obj.get("id")
    if "ajjbqk" in obj or "qw" in obj or "ajName" in obj or "pjjg" in obj:
        fmt = "lecard"
        text = _text_of(obj.get("qw")) or "\n".join(
            _text_of(obj.get(k)) for k in ("ajjbqk", "cpfxgc", "pjjg") if _text_of(obj.get(k))
        )
        rid = rid if rid not in (None, "") else obj.get("writId")
    elif "fact" in obj and isinstance(obj.get("meta"), dict):
        fmt, text = "cail2018", _text_of(obj.get("fact"))
        rid = rid if rid not in (None, "") else f"cail-{stem}-{line}"
    elif "裁判要点" in obj or "基本案情" in obj:
        fmt = "spc_guiding"
        text = _guiding_text(obj)
        rid = f"spc-guiding-{obj['no']}" if obj.get("no") not in (None, "") else rid
    elif "cause" in obj and "fact" in obj and "domain" in obj:
        fmt, text = "cjrc", _text_of(obj.get("fact"))
        # CJRC numbers its civil and criminal paragraphs separately, so the domain is part of the id
        rid = f"cjrc-{obj['domain']}-{rid}" if rid not in (None, "") else None
    elif any(k in obj for k in ("text", "fact", "fd", "document")):
        # interchange, LeCaRD queries, pending cases, JuDGE (text_id + fd full document)
        fmt = "interchange"
        text = next((_text_of(obj.get(k)) for k in ("fd", "document", "text", "fact") if _text_of(obj.get(k))), "")
        rid = rid if rid not in (None, "") else obj.get("text_id")
    else:
        keys = ", ".join(sorted(map(str, obj))[:8])
        return ReadProblem(where, line, f"unrecognised record (keys: {keys})")
    if rid in (None, "") or isinstance(rid, (dict, list)):
        return ReadProblem(where, line, "record without id")
    if not text:
        return ReadProblem(where, line, f"record {rid} without text")
    if len(text) > MAX_RECORD_CHARS:
        return ReadProblem(where, line, f"record {rid} too large: {len(text)} characters (limit {MAX_RECORD_CHARS})")
    return RawRecord(id=str(rid), text=text, source=source, format=fmt, fields=fields)


_GUIDING_PARTS = ("关键词", "裁判要点", "相关法条", "基本案情", "裁判结果", "裁判理由")


def _guiding_text(obj: dict[str, Any]) -> str:
    parts = [_text_of(obj.get("title"))]
    for key in _GUIDING_PARTS:
        value = _text_of(obj.get(key))
        if value:
            parts.append(f"{key}\n{value}")
    return "\n\n".join(p for p in parts if p)


def _read_markdown(path: Path, size: int) -> Iterator[RawRecord | ReadProblem]:
    records = list(_read_text(path, size))
    for rec in records:
        if isinstance(rec, ReadProblem):
            yield rec
            continue
        text = rec.text
        parent = path.parent.name
        if parent == "spp_guiding_cases" or re.search(r"检例第\s*\d+\s*号", text[:200]):
            fmt, rid = "spp_guiding", f"spp-guiding-{path.stem}"
        elif parent == "spc_gazette_cases" or path.stem.startswith("FYGB"):
            fmt, rid = "spc_gazette", f"spc-gazette-{path.stem}"
        else:
            fmt, rid = "text", f"text-{path.stem}"
        title = ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip().strip("#").strip()]
        first = lines[0] if lines else ""
        if first.startswith("#") or len(first) <= 80:  # "### " alone on a line puts the title on the next one
            title = first.lstrip("#").strip()
            if re.fullmatch(r"[（(]?检例第\s*\d+\s*号[)）]?", title) and len(lines) > 1:
                title += re.sub(r"^案例[一二三四五六七八九十]+[：:]", "", lines[1])
        yield RawRecord(id=rid, text=text, source=str(path), format=fmt, fields={"title": title} if title else {})
