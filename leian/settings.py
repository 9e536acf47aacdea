"""Typed settings, read once from the environment (prefix ``LEIAN_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

#: The checkout this package runs from; the shared data sits beside it by convention.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Where data and indexes live, and which backend serves them."""

    model_config = SettingsConfigDict(env_prefix="LEIAN_", extra="ignore")

    data: Path = Field(PROJECT_ROOT.parent / "shared" / "data", description="the shared judgment data")
    home: Path = Field(PROJECT_ROOT / ".leian", description="where named index directories are kept")
    model: Path = Field(PROJECT_ROOT / "models" / "leian-static-zh", description="sentence-transformers model dir")
    backend: str = Field("embedded", pattern="^(embedded|elasticsearch)$")
    es_url: str = "http://127.0.0.1:9200"

    def index_dir(self, name_or_path: str | Path) -> Path:
        """A bare name is a directory under ``home``; anything with a separator is a path."""
        p = Path(name_or_path)
        if p.is_absolute() or len(p.parts) > 1 or str(name_or_path).startswith("."):
            return p
        return self.home / p


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
