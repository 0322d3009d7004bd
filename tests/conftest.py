"""Fixtures: a real server on a real database, reached over real HTTP.

The server runs in a thread of the test process, so that tests can move its clock.
Each test gets a new organization, which cannot read any other test's data.
Every test that uses a database runs on SQLite, and on PostgreSQL as well when
``ONDEMAND_TEST_POSTGRES_URL`` is set (see ``tests.databases``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from ondemand_courses.app import create_app, server_options
from ondemand_courses.clock import ManualClock
from ondemand_courses.services.organizations import NewCredentials
from ondemand_courses.settings import Settings
from ondemand_courses.store.database import Database, migrate
from tests import logcheck
from tests.databases import BACKENDS, isolated_database_url

# 2026-01-01T00:00:00.000Z, where every test server's clock starts.
CLOCK_START_MS = 1_767_225_600_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    clock: ManualClock
    database: Database
    settings: Settings
    app_state: object

    def create_organization(self, name: str = "Test organization") -> NewCredentials:
        services = self.app_state.services  # type: ignore[attr-defined]
        credentials: NewCredentials = services.organizations.create(name)
        logcheck.record_secret(credentials.api_key)
        return credentials

    def client(self, credentials: NewCredentials | None = None) -> httpx.Client:
        headers = {}
        if credentials is not None:
            headers["Authorization"] = f"Bearer {credentials.org_id}:{credentials.api_key}"
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=10)


def start_server(database_url: str, **settings_values: object) -> Iterator[LiveServer]:
    port = free_port()
    settings = Settings(database_url=database_url, host="127.0.0.1", port=port,
                        **settings_values)  # type: ignore[arg-type]
    database = Database(settings.database_url)
    migrate(database)
    clock = ManualClock(CLOCK_START_MS)
    app = create_app(settings, clock=clock, database=database)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on",
                            **server_options(settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start within 10 seconds")
        time.sleep(0.01)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", clock=clock, database=database,
                         settings=settings, app_state=app.state)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()


@pytest.fixture(scope="session", autouse=True)
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Write every log record of the run to one file, which ``logcheck`` searches for
    leaked API keys and emails when the run ends."""
    path = tmp_path_factory.getbasetemp() / "server.log"
    with logcheck.capture_logs(path):
        yield path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = logcheck.find_leaks()
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Secrets found in the server logs of this run:", red=True)
            for leak in leaks:
                reporter.write_line(f"  {leak}", red=True)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on: ``sqlite``, or ``postgresql`` when configured."""
    name: str = request.param
    return name


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the test's own."""
    with isolated_database_url(backend, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with isolated_database_url(backend, tmp_path_factory.mktemp("db")) as url:
        yield from start_server(url)


@pytest.fixture
def credentials(server: LiveServer) -> NewCredentials:
    return server.create_organization()


@pytest.fixture
def api(server: LiveServer, credentials: NewCredentials) -> Iterator[httpx.Client]:
    """An authenticated client of a new, empty organization."""
    with server.client(credentials) as client:
        yield client


@pytest.fixture
def other_api(server: LiveServer) -> Iterator[httpx.Client]:
    """A client of a second organization, to show that organizations are isolated."""
    with server.client(server.create_organization("Other organization")) as client:
        yield client


@pytest.fixture
def anonymous(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def class_id(api: httpx.Client) -> str:
    response = api.post("/classes", json={"name": "Elastic Stack lab"})
    assert response.status_code == 200
    created: str = response.json()["data"]["id"]
    return created


def course_body(lab_class_id: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Elastic Stack for beginners",
        "class_id": lab_class_id,
        "days_limit": 5,
        "activity_hours_limit": 10,
        "status": "online",
        "external_id": "course1",
    }
    body.update(overrides)
    return body


def failure(response: httpx.Response) -> dict[str, object]:
    """Return the ``error`` of a failure envelope, checking the envelope's shape."""
    payload = response.json()
    assert set(payload) == {"result", "error"}
    assert payload["result"] == "failure"
    error: dict[str, object] = payload["error"]
    return error
