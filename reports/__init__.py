"""The mandatory similar-case search report (类案检索报告) of 法发〔2020〕24号 arts 4–11, complete by construction."""

from __future__ import annotations

from reports.builder import build_report
from reports.hashing import seal, verify
from reports.pending import load_case, parse_case

__all__ = ["build_report", "load_case", "parse_case", "seal", "verify"]
