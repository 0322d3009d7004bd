"""Slowing down repeated wrong access tokens from one client address.

An access token is four letters, so guessing is cheap unless each address gets only a few
wrong tries per window. The counts live in this process: several workers or servers each
keep their own, which multiplies the allowance by their number.
"""

from __future__ import annotations

from collections import deque

from ondemand_courses.clock import Clock

MAX_WRONG_TOKENS = 5
WINDOW_MS = 10 * 60 * 1000
# Addresses tracked at most; past it the oldest entries are dropped, so memory stays bounded.
MAX_ADDRESSES = 10_000


class WrongTokenLimiter:
    """Allows ``MAX_WRONG_TOKENS`` wrong tokens per address in any ``WINDOW_MS``."""

    def __init__(self, clock: Clock, *, max_wrong: int = MAX_WRONG_TOKENS,
                 window_ms: int = WINDOW_MS) -> None:
        self._clock = clock
        self._max_wrong = max_wrong
        self._window_ms = window_ms
        self._failures: dict[str, deque[int]] = {}

    def retry_after_seconds(self, address: str) -> int | None:
        """Return how long the address must wait before trying again, or None if it may."""
        now_ms = self._clock.now_ms()
        failures = self._recent(address, now_ms)
        if len(failures) < self._max_wrong:
            return None
        wait_ms = failures[0] + self._window_ms - now_ms
        return max(1, -(-wait_ms // 1000))

    def record_wrong_token(self, address: str) -> None:
        now_ms = self._clock.now_ms()
        failures = self._recent(address, now_ms)
        failures.append(now_ms)
        self._failures[address] = failures
        if len(self._failures) > MAX_ADDRESSES:
            oldest = next(iter(self._failures))
            del self._failures[oldest]

    def clear(self) -> None:
        self._failures.clear()

    def _recent(self, address: str, now_ms: int) -> deque[int]:
        failures = self._failures.pop(address, deque())
        while failures and failures[0] <= now_ms - self._window_ms:
            failures.popleft()
        if failures:
            # Re-inserted so that dict order is least recently failing first.
            self._failures[address] = failures
        return failures
