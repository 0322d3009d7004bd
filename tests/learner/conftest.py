"""Fixtures of the learner pages' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ondemand_courses.learner.limiter import WrongTokenLimiter
from tests.conftest import LiveServer


@pytest.fixture(autouse=True)
def fresh_wrong_token_limiter(server: LiveServer) -> Iterator[None]:
    """Forget wrong tokens around each test: every test client shares the address 127.0.0.1."""
    limiter: WrongTokenLimiter = server.app_state.learner_limiter  # type: ignore[attr-defined]
    limiter.clear()
    yield
    limiter.clear()
