"""Leian (类案): similar-case retrieval and judgment consistency for Chinese courts."""

__version__ = "0.1.0"
