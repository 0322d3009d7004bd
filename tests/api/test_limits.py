"""Limits on what one request may send: header size, body time and JSON nesting."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from ondemand_courses.api.body import MAX_JSON_DEPTH
from tests.conftest import LiveServer, course_body, failure, start_server

MAX_HEADER_BYTES = 2048
BODY_TIMEOUT_SECONDS = 0.5


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("limits") / "ondemand.db"
    yield from start_server(f"sqlite:///{path}", max_header_bytes=MAX_HEADER_BYTES,
                            body_timeout_seconds=BODY_TIMEOUT_SECONDS)


def exchange(server: LiveServer, request: bytes) -> tuple[int, bytes]:
    """Send raw bytes on a new connection and return the status and body of the response."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body


def health_request(total_bytes: int) -> bytes:
    """Build a GET of /api/v1/health whose request line and headers are ``total_bytes``."""
    start = b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\nX-Padding: "
    end = b"\r\n\r\n"
    request = start + b"p" * (total_bytes - len(start) - len(end)) + end
    assert len(request) == total_bytes
    return request


def test_headers_at_limit_are_accepted(strict_server: LiveServer) -> None:
    status, body = exchange(strict_server, health_request(MAX_HEADER_BYTES))

    assert status == 200
    assert json.loads(body) == {"status": "ok", "message": "Healthy"}


def test_headers_over_limit_are_431(strict_server: LiveServer) -> None:
    status, body = exchange(strict_server, health_request(MAX_HEADER_BYTES + 1))

    assert status == 431
    assert json.loads(body)["error"] == {
        "type": "RequestHeaderFieldsTooLarge",
        "message": "The request line and headers are larger than the limit of 2048 bytes.",
    }


def test_headers_far_over_limit_are_cut_by_server(strict_server: LiveServer) -> None:
    # Once an incomplete request head passes twice the limit, the ASGI server stops
    # buffering it and responds with 400 itself, before the application receives the request.
    unfinished = health_request(4 * MAX_HEADER_BYTES).removesuffix(b"\r\n\r\n")

    status, body = exchange(strict_server, unfinished)

    assert status == 400
    assert body == b"Invalid HTTP request received."


def test_body_that_stops_arriving_is_408(strict_server: LiveServer) -> None:
    credentials = strict_server.create_organization()
    request = (
        b"POST /api/v1/classes HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        b"Authorization: Bearer " + f"{credentials.org_id}:{credentials.api_key}".encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"name\": "
    )

    status, body = exchange(strict_server, request)

    assert status == 408
    assert json.loads(body)["error"] == {
        "type": "RequestTimeout",
        "message": "No part of the request body arrived for 0.5 seconds; "
                   "send the whole body at once.",
    }
    with strict_server.client(credentials) as client:
        assert client.get("/classes").json()["data"] == []


def nested(depth: int) -> str:
    """Return a JSON value of arrays nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth


def test_body_at_max_depth_reaches_validation(api: httpx.Client) -> None:
    # The body object is level 1, so the name's arrays may nest 31 levels.
    body = '{"name": ' + nested(MAX_JSON_DEPTH - 1) + "}"

    response = api.post("/classes", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert failure(response)["errors"] == [
        {"location": "body", "param": "name", "msg": "Input should be a valid string"}]


def test_body_over_max_depth_is_rejected(api: httpx.Client) -> None:
    body = '{"name": ' + nested(MAX_JSON_DEPTH) + "}"

    response = api.post("/classes", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert failure(response)["errors"] == [
        {"location": "body", "param": "", "msg": "Body nests deeper than 32 levels"}]


def test_brackets_inside_strings_do_not_nest(api: httpx.Client) -> None:
    name = '[{"\\"' * 40

    response = api.post("/classes", json={"name": name})

    assert response.status_code == 200
    assert response.json()["data"]["name"] == name


def test_class_id_of_64_characters_is_looked_up(api: httpx.Client) -> None:
    response = api.post("/ondemand", json=course_body("x" * 64))

    assert response.status_code == 404
    assert failure(response)["type"] == "ClassNotFound"


def test_long_head_after_keep_alive_request_is_cut(strict_server: LiveServer) -> None:
    # The head bound starts again with each request on a connection, and counts a head
    # that arrives in many pieces.
    port = int(strict_server.url.rsplit(":", 1)[1])
    first = b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n"
    second = health_request(4 * MAX_HEADER_BYTES).removesuffix(b"\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(first)
        first_response = connection.recv(65536)
        for start in range(0, len(second), 512):
            connection.sendall(second[start:start + 512])
        received = b""
        while chunk := connection.recv(65536):
            received += chunk

    assert first_response.startswith(b"HTTP/1.1 200 ")
    assert received.startswith(b"HTTP/1.1 400 ")
    assert received.endswith(b"\r\n\r\nInvalid HTTP request received.")


def test_keep_alive_requests_within_limit_pass(strict_server: LiveServer) -> None:
    port = int(strict_server.url.rsplit(":", 1)[1])
    keep_alive = b"Connection: keep-alive"
    request = health_request(MAX_HEADER_BYTES - 5).replace(b"Connection: close", keep_alive)
    assert len(request) == MAX_HEADER_BYTES
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        statuses = []
        for _ in range(3):
            connection.sendall(request)
            statuses.append(connection.recv(65536).split(b" ", 2)[1])

    assert statuses == [b"200", b"200", b"200"]
