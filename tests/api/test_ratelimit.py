"""Rate limiting: a fixed one-minute window per organization, or per client address for
requests without valid credentials, counted in memory or in Redis."""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Iterator

import httpx
import pytest
import redis

from tests.conftest import CLOCK_START_MS, LiveServer, failure, free_port, start_server

LIMIT = 3
REDIS_URL = "redis://127.0.0.1:6379/0"

# CLOCK_START_MS is a minute boundary, in epoch seconds.
WINDOW_START = CLOCK_START_MS // 1000


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


STORES = [
    "memory",
    pytest.param("redis", marks=pytest.mark.skipif(
        not redis_answers(), reason="no Redis server answers on 127.0.0.1:6379")),
]


def redis_servers(count: int, tmp_path_factory: pytest.TempPathFactory,
                  prefix: str) -> Iterator[list[LiveServer]]:
    """Start ``count`` servers that share one database and one Redis key prefix."""
    path = tmp_path_factory.mktemp("ratelimit") / "ondemand.db"
    starts = [start_server(f"sqlite:///{path}", rate_limit_per_minute=LIMIT,
                           redis_url=REDIS_URL, redis_key_prefix=prefix)
              for _ in range(count)]
    try:
        yield [next(start) for start in starts]
    finally:
        for start in starts:
            start.close()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(scope="module", params=STORES)
def limited(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if request.param == "memory":
        path = tmp_path_factory.mktemp("ratelimit") / "ondemand.db"
        yield from start_server(f"sqlite:///{path}", rate_limit_per_minute=LIMIT)
        return
    prefix = f"ondemand-test:{secrets.token_hex(4)}:"
    for servers in redis_servers(1, tmp_path_factory, prefix):
        yield servers[0]


@pytest.fixture
def window(limited: LiveServer) -> int:
    """Move the clock to the start of a minute no earlier test used; return its epoch."""
    next_minute = (limited.clock.now_ms() // 60_000 + 1) * 60_000
    limited.clock.set(next_minute)
    return next_minute // 1000


def limit_headers(response: httpx.Response) -> tuple[str, str, str]:
    return (response.headers["x-ratelimit-limit"], response.headers["x-ratelimit-remaining"],
            response.headers["x-ratelimit-reset"])


def test_headers_count_down_in_window(limited: LiveServer, window: int) -> None:
    with limited.client(limited.create_organization()) as client:
        answers = [client.get("/ondemand") for _ in range(LIMIT)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    reset = str(window + 60)
    assert [limit_headers(response) for response in answers] == [
        ("3", "2", reset), ("3", "1", reset), ("3", "0", reset)]


def test_request_over_limit_is_429(limited: LiveServer, window: int) -> None:
    with limited.client(limited.create_organization()) as client:
        for _ in range(LIMIT):
            client.get("/ondemand")
        limited.clock.advance(seconds=15.5)
        response = client.post("/classes", json={"name": "Not created"})
        listed = client.get("/classes")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "45"
    assert limit_headers(response) == ("3", "0", str(window + 60))
    assert failure(response) == {
        "type": "TooManyRequests",
        "message": "Rate limit of 3 requests per minute exceeded; retry after 45 seconds.",
    }
    assert response.headers["x-request-id"]
    assert listed.status_code == 429


def test_next_window_starts_a_new_count(limited: LiveServer, window: int) -> None:
    with limited.client(limited.create_organization()) as client:
        for _ in range(LIMIT + 1):
            client.get("/ondemand")
        limited.clock.advance(seconds=60)
        response = client.get("/ondemand")

    assert response.status_code == 200
    assert limit_headers(response) == ("3", "2", str(window + 120))


def test_organizations_are_counted_apart(limited: LiveServer, window: int) -> None:
    with limited.client(limited.create_organization()) as first:
        for _ in range(LIMIT + 1):
            first.get("/ondemand")
    with limited.client(limited.create_organization()) as second:
        response = second.get("/ondemand")

    assert response.status_code == 200
    assert limit_headers(response) == ("3", "2", str(window + 60))


def test_failed_authentication_counts_against_address(limited: LiveServer,
                                                      window: int) -> None:
    credentials = limited.create_organization()
    wrong = {"Authorization": f"Bearer {credentials.org_id}:odc_wrong"}
    with limited.client() as anonymous:
        answers = [anonymous.get("/ondemand", headers=wrong) for _ in range(LIMIT)]
        blocked = anonymous.get("/health")
    with limited.client(credentials) as client:
        allowed = client.get("/ondemand")

    assert [response.status_code for response in answers] == [401, 401, 401]
    assert [limit_headers(response)[1] for response in answers] == ["2", "1", "0"]
    assert blocked.status_code == 429
    assert failure(blocked)["type"] == "TooManyRequests"
    assert allowed.status_code == 200
    assert limit_headers(allowed) == ("3", "2", str(window + 60))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/health", 200), ("GET", "/openapi.json", 200), ("GET", "/docs", 200),
     ("GET", "/no-such-route", 404), ("GET", "/ondemand/", 404), ("PUT", "/ondemand", 405),
     ("GET", "/ondemand", 401), ("POST", "/classes", 401)],
)
def test_every_api_answer_has_headers(limited: LiveServer, window: int, method: str,
                                      path: str, status: int) -> None:
    with limited.client() as anonymous:
        response = anonymous.request(method, path)

    assert response.status_code == status
    assert limit_headers(response) == ("3", "2", str(window + 60))


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"x" * (1024 * 1024 + 1), 413), (b"not json", 422), (b"{}", 422)],
)
def test_body_errors_have_headers(limited: LiveServer, window: int, body: bytes,
                                  status: int) -> None:
    with limited.client(limited.create_organization()) as client:
        response = client.post("/classes", content=body,
                               headers={"Content-Type": "application/json"})

    assert response.status_code == status
    assert limit_headers(response) == ("3", "2", str(window + 60))


def test_paths_outside_api_have_no_headers(limited: LiveServer, window: int) -> None:
    response = httpx.get(f"{limited.url}/training/ondemand/hd3ALTaLAbhfzmBbf")

    assert "x-ratelimit-limit" not in response.headers


def test_limit_off_sends_no_headers(api: httpx.Client) -> None:
    response = api.get("/ondemand")

    assert response.status_code == 200
    assert "x-ratelimit-limit" not in response.headers
    assert "x-ratelimit-remaining" not in response.headers
    assert "x-ratelimit-reset" not in response.headers


@pytest.mark.skipif(not redis_answers(), reason="no Redis server answers on 127.0.0.1:6379")
def test_servers_on_one_redis_share_limit(tmp_path_factory: pytest.TempPathFactory) -> None:
    prefix = f"ondemand-test:{secrets.token_hex(4)}:"
    for first, second in redis_servers(2, tmp_path_factory, prefix):
        credentials = first.create_organization()
        with first.client(credentials) as client:
            client.get("/ondemand")
            client.get("/ondemand")
        with second.client(credentials) as client:
            last = client.get("/ondemand")
            over = client.get("/ondemand")

        assert limit_headers(last) == ("3", "0", str(WINDOW_START + 60))
        assert over.status_code == 429
        assert over.headers["retry-after"] == "60"


def test_unreachable_redis_lets_requests_through(
    tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path_factory.mktemp("ratelimit") / "ondemand.db"
    unused_port = free_port()
    start = start_server(f"sqlite:///{path}", rate_limit_per_minute=1,
                         redis_url=f"redis://127.0.0.1:{unused_port}/0")
    server = next(start)
    try:
        with caplog.at_level(logging.WARNING, logger="ondemand_courses.ratelimit"), \
                server.client(server.create_organization()) as client:
            answers = [client.get("/ondemand") for _ in range(3)]
    finally:
        start.close()

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert "x-ratelimit-limit" not in answers[0].headers
    warnings = [record for record in caplog.records
                if record.name == "ondemand_courses.ratelimit"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert warnings[0].getMessage().startswith(
        "Rate limit counts are unavailable, so requests pass uncounted (1 failed since the "
        "last warning): Error 111 connecting to 127.0.0.1:")


def test_500_has_headers(limited: LiveServer, window: int,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(limited.app_state.services.classes,  # type: ignore[attr-defined]
                        "list", fail)
    with limited.client(limited.create_organization()) as client:
        response = client.get("/classes")

    assert response.status_code == 500
    assert limit_headers(response) == ("3", "2", str(window + 60))
