"""``ondemand serve`` as a child process, for tests that need several workers or a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from ondemand_courses.clock import SystemClock
from ondemand_courses.services.organizations import NewCredentials, OrganizationService
from ondemand_courses.store.database import Database, migrate
from tests.conftest import free_port

START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10


def create_organization(database_url: str) -> NewCredentials:
    """Migrate the database and create an organization in it, as ``org create`` does."""
    database = Database(database_url)
    migrate(database)
    credentials = OrganizationService(database, SystemClock()).create("Served organization")
    database.dispose()
    return credentials


@dataclass
class ServedProcess:
    """A running ``ondemand serve``; its workers share the parent's process group."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def client(self, credentials: NewCredentials) -> httpx.Client:
        headers = {"Authorization": f"Bearer {credentials.org_id}:{credentials.api_key}"}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=60)

    def kill(self) -> None:
        """Kill the server and every worker at once with SIGKILL, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def stop(self) -> None:
        """Stop with SIGTERM, and with SIGKILL if it has not exited in time."""
        if self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        # Workers left behind by a parent that exited or hung go with the group.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)


def _wait_until_healthy(served: ServedProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            break
        try:
            if httpx.get(f"{served.url}/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    served.stop()
    log = served.log_path.read_text(errors="replace")
    raise AssertionError(f"ondemand serve did not become healthy; its output:\n{log}")


@contextmanager
def serve(database_url: str, log_path: Path, *options: str,
          workers: int = 2) -> Iterator[ServedProcess]:
    """Run ``ondemand serve --workers N`` on a free port of 127.0.0.1 until the block ends.

    ``options`` are further flags of ``ondemand serve``.
    """
    port = free_port()
    environment = {**os.environ, "ONDEMAND_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "ondemand_courses", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--database-url", database_url,
               *options]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env=environment, start_new_session=True)
    served = ServedProcess(process=process, url=f"http://127.0.0.1:{port}", log_path=log_path)
    try:
        _wait_until_healthy(served)
        yield served
    finally:
        served.stop()
