"""Crash-safe directories of numbered generations with an atomic ``CURRENT`` pointer.

An embedded index commits by writing a complete new ``gen-NNNNNN`` directory (every file fsynced), then
replacing ``CURRENT`` atomically, then removing older generations. A crash at any point leaves
``CURRENT`` naming a complete generation, so a reader never sees half an index.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

__all__ = ["current_generation", "write_generation"]


def current_generation(directory: Path) -> Path | None:
    """The committed generation directory, or None before the first commit."""
    pointer = directory / "CURRENT"
    return directory / pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def write_generation(directory: Path, write: Callable[[Path], None]) -> Path:
    """Let ``write`` fill a fresh generation directory, then make it the current one atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    current = current_generation(directory)
    number = int(current.name.split("-")[1]) + 1 if current else 1
    tmp = directory / f"gen-{number:06d}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    write(tmp)
    for f in tmp.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    final = directory / f"gen-{number:06d}"
    os.replace(tmp, final)
    staged = directory / "CURRENT.tmp"
    staged.write_text(final.name, encoding="utf-8")
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(staged, directory / "CURRENT")
    for old in directory.glob("gen-*"):
        if old.name != final.name:
            shutil.rmtree(old, ignore_errors=True)
    return final
