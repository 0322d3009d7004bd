"""Request counting for rate limits: a fixed one-minute window per caller.

Each caller (an organization, or a client address) may make ``limit`` requests in each
minute of the clock, counted from the start of that minute. A fixed window lets a caller
send up to twice the limit across a minute boundary. In exchange, each count is one
atomic increment, in memory or in Redis.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio
import redis.exceptions

from ondemand_courses.clock import Clock

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60

# Seconds between two warnings about an unreachable Redis server.
_WARNING_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class RateLimitState:
    """The state of a caller's count after one more request."""

    limit: int
    remaining: int
    reset_at: int
    """Epoch seconds at which the current window ends and the count starts again."""
    retry_after: int | None
    """Whole seconds to wait, when the request is over the limit; else None."""

    def headers(self) -> list[tuple[bytes, bytes]]:
        found = [
            (b"x-ratelimit-limit", str(self.limit).encode("ascii")),
            (b"x-ratelimit-remaining", str(self.remaining).encode("ascii")),
            (b"x-ratelimit-reset", str(self.reset_at).encode("ascii")),
        ]
        if self.retry_after is not None:
            found.append((b"retry-after", str(self.retry_after).encode("ascii")))
        return found


class CounterStore(Protocol):
    async def count_request(self, caller: str, window: int) -> int:
        """Add one request of ``caller`` in ``window`` and return the window's count."""
        ...

    async def close(self) -> None:
        """Release the store's connections."""
        ...


class MemoryCounterStore:
    """Counts in this process only: each worker process has its own limit."""

    def __init__(self) -> None:
        self._window: int | None = None
        self._counts: dict[str, int] = {}

    async def count_request(self, caller: str, window: int) -> int:
        if window != self._window:
            self._window = window
            self._counts.clear()
        count = self._counts.get(caller, 0) + 1
        self._counts[caller] = count
        return count

    async def close(self) -> None:
        self._counts.clear()


class RedisCounterStore:
    """Counts in Redis, so that every server that uses the same Redis shares one limit."""

    def __init__(self, url: str, key_prefix: str) -> None:
        self._client = redis.asyncio.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1)
        self._key_prefix = key_prefix

    async def count_request(self, caller: str, window: int) -> int:
        key = f"{self._key_prefix}{window}:{caller}"
        # MULTI/EXEC makes the increment and the expiry one step: a key never outlives
        # its window by more than another window.
        async with self._client.pipeline(transaction=True) as pipeline:
            pipeline.incr(key)
            pipeline.expire(key, 2 * WINDOW_SECONDS)
            count, _ = await pipeline.execute()
        return int(count)

    async def close(self) -> None:
        await self._client.aclose()


class RateLimiter:
    """Count requests per caller and decide whether each one is within the limit.

    When the counter store fails (Redis unreachable), requests are let through
    uncounted, and a WARNING is logged at most once a minute.
    """

    def __init__(self, limit: int, store: CounterStore, clock: Clock) -> None:
        self.limit = limit
        self._store = store
        self._clock = clock
        self._last_warning_at: float | None = None
        self._failures_since_warning = 0

    async def count_request(self, caller: str) -> RateLimitState | None:
        """Count one request of ``caller``; None when the store could not count it."""
        now_ms = self._clock.now_ms()
        window = now_ms // (WINDOW_SECONDS * 1000)
        reset_at = (window + 1) * WINDOW_SECONDS
        try:
            count = await self._store.count_request(caller, window)
        except (redis.exceptions.RedisError, OSError) as error:
            self._warn_store_failure(error)
            return None
        retry_after = None
        if count > self.limit:
            retry_after = max(1, math.ceil((reset_at * 1000 - now_ms) / 1000))
        return RateLimitState(limit=self.limit, remaining=max(0, self.limit - count),
                              reset_at=reset_at, retry_after=retry_after)

    async def close(self) -> None:
        await self._store.close()

    def _warn_store_failure(self, error: Exception) -> None:
        self._failures_since_warning += 1
        now = time.monotonic()
        if (self._last_warning_at is not None
                and now - self._last_warning_at < _WARNING_INTERVAL_SECONDS):
            return
        logger.warning("Rate limit counts are unavailable, so requests pass uncounted "
                       "(%d failed since the last warning): %s",
                       self._failures_since_warning, error)
        self._last_warning_at = now
        self._failures_since_warning = 0
