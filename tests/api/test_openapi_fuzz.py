"""The OpenAPI document, proven by a fuzzer: Schemathesis generates requests from it and
checks every response against it."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer, start_server

# Test cases per operation and phase. The 11 operations and the coverage, fuzzing and
# stateful phases make well over the 2,000 requests the run must reach.
MAX_EXAMPLES = 150
MIN_REQUESTS = 2000
SEED = 20260101


class RequestCounter(logging.Handler):
    """Count the request log lines of the server, one per request it served."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statuses.append(getattr(record, "status", 0))


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Rate limiting is on, with a limit no run reaches, so that its headers are checked.
    path = tmp_path_factory.mktemp("fuzz") / "ondemand.db"
    yield from start_server(f"sqlite:///{path}", rate_limit_per_minute=1_000_000)


def test_schemathesis_finds_no_failure(fuzzed_server: LiveServer, tmp_path: Path) -> None:
    credentials = fuzzed_server.create_organization("Fuzzed organization")
    counter = RequestCounter()
    request_logger = logging.getLogger("ondemand_courses.requests")
    request_logger.addHandler(counter)
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run",
        f"{fuzzed_server.url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {credentials.org_id}:{credentials.api_key}",
        "--checks", "all",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--workers", "1",
        "--no-color",
    ]
    try:
        finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=600, check=False)
    finally:
        request_logger.removeHandler(counter)

    report = finished.stdout[-6000:] + finished.stderr[-2000:]
    assert finished.returncode == 0, report
    print(f"Schemathesis sent {len(counter.statuses)} requests")
    assert len(counter.statuses) >= MIN_REQUESTS, report
    assert [status for status in counter.statuses if status >= 500] == []
