"""Service settings: Leian's :class:`~leian.settings.Settings` plus what the API needs (prefix ``LEIAN_``).

The secret key keys the token hashes (HMAC-SHA256), so ``leian serve`` and ``leian users`` must see the same
``LEIAN_SECRET_KEY``; changing it revokes every token. Outside ``development`` the default key is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator

from leian.errors import InputError
from leian.settings import Settings

__all__ = ["DEVELOPMENT_SECRET", "ServiceSettings", "load_service_settings"]

#: The key used when none is configured; accepted only with ``LEIAN_ENVIRONMENT=development``.
DEVELOPMENT_SECRET = "leian-development-secret-not-for-production"


class ServiceSettings(Settings):
    """Typed settings of the web service, read from the environment and failing fast when unsafe."""

    environment: Literal["development", "production"] = Field(
        "development", description="production refuses the development secret key"
    )
    secret_key: SecretStr = Field(SecretStr(DEVELOPMENT_SECRET), description="HMAC key of token hashes")
    token_ttl_days: int = Field(90, ge=1, le=3650, description="how long a new token is valid")
    rate_limit_per_minute: int = Field(120, ge=1, description="requests per user per minute (token bucket)")
    rate_limit_burst: int = Field(30, ge=1, description="requests a user may send at once")
    auth_failures_per_minute: int = Field(20, ge=1, description="failed logins per client address per minute")
    max_request_bytes: int = Field(1_000_000, ge=1_024, description="larger request bodies get 413")
    request_timeout_s: float = Field(30.0, gt=0, description="searches and case views slower than this get 504")
    max_k: int = Field(50, ge=1, le=500, description="the most cases one search may return")
    search_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=0,
        le=64,
        description="search processes `leian serve` starts (default: one per core; 0: search in the service process)",
    )
    ingest_roots: list[Path] = Field(
        default_factory=list, description="server folders admins may ingest from (default: LEIAN_DATA)"
    )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> ServiceSettings:
        secret = self.secret_key.get_secret_value()
        if self.environment != "development":
            if secret == DEVELOPMENT_SECRET:
                raise ValueError(
                    "生产环境必须设置 LEIAN_SECRET_KEY the development secret key is refused outside development:"
                    " set LEIAN_SECRET_KEY to a random value of at least 32 characters"
                )
            if len(secret) < 32:
                raise ValueError("LEIAN_SECRET_KEY 过短 the secret key must have at least 32 characters")
        if not self.ingest_roots:
            self.ingest_roots = [self.data]
        return self


def load_service_settings(**overrides: object) -> ServiceSettings:
    """Settings from the environment (and ``overrides``); :class:`InputError` with the reason when invalid."""
    try:
        return ServiceSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise InputError(f"服务配置无效 invalid service settings: {reasons}") from exc
