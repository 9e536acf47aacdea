"""Domain errors. Every one carries a message a court user can act on; the CLI and the API map them."""

from __future__ import annotations

__all__ = ["BackendUnavailable", "IndexStateError", "InputError", "LeianError", "NotFoundError"]


class LeianError(Exception):
    """Base of every error Leian reports to its users."""


class InputError(LeianError, ValueError):
    """The input (query, file, record, option) is malformed, empty or too large."""


class NotFoundError(LeianError, KeyError):
    """An id, index or file that does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class IndexStateError(LeianError):
    """An index directory that is missing, incompatible or inconsistent."""


class BackendUnavailable(LeianError):
    """A search backend (e.g. an Elasticsearch cluster) cannot be reached or is unhealthy."""
