"""In-process token-bucket rate limiting (one service process serves an index, so memory is enough)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]

_MAX_KEYS = 10_000


class RateLimiter:
    """``per_minute`` requests per key on average, at most ``burst`` at once."""

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill)
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds to wait before retrying."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            if len(self._buckets) > _MAX_KEYS:  # forget refilled buckets so random keys cannot exhaust memory
                self._buckets = {
                    k: (t, at) for k, (t, at) in self._buckets.items() if t + (now - at) * self.rate < self.burst
                }
            return wait
