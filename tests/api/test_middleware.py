"""The request log line, the request id and the last-resort 500."""

from __future__ import annotations

import json
import logging
import time

import httpx
import pytest

from ondemand_courses.logs import JsonFormatter
from ondemand_courses.services.organizations import NewCredentials
from tests.conftest import LiveServer, failure

REQUEST_LOGGER = "ondemand_courses.requests"


def request_line(caplog: pytest.LogCaptureFixture, request_id: str) -> logging.LogRecord:
    """Return the request's log line, waiting for the server thread to write it: the
    line is written after the response has been sent."""
    deadline = time.monotonic() + 5
    while True:
        found = [record for record in caplog.records
                 if record.name == REQUEST_LOGGER and hasattr(record, "status")
                 and getattr(record, "request_id", None) == request_id]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert len(found) == 1
    return found[0]


def test_log_line_has_request_fields(api: httpx.Client, credentials: NewCredentials,
                                     caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        response = api.get("/ondemand/hd3ALTaLAbhfzmBbf")

    record = request_line(caplog, response.headers["x-request-id"])
    assert record.org_id == credentials.org_id  # type: ignore[attr-defined]
    assert record.method == "GET"  # type: ignore[attr-defined]
    assert record.route == "/api/v1/ondemand/{course_id}"  # type: ignore[attr-defined]
    assert record.status == 404  # type: ignore[attr-defined]
    assert isinstance(record.duration_ms, float)  # type: ignore[attr-defined]
    assert record.getMessage().startswith(
        f"request_id={response.headers['x-request-id']} org_id={credentials.org_id} "
        "method=GET route=/api/v1/ondemand/{course_id} status=404 duration_ms=")


def test_log_line_leaves_out_query_and_headers(
    api: httpx.Client, credentials: NewCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        response = api.get("/classes", params={"page": "1", "limit": "7",
                                               "email": "learner@example.com"})

    record = request_line(caplog, response.headers["x-request-id"])
    line = JsonFormatter().format(record)
    assert "learner@example.com" not in line
    assert "limit=7" not in line
    assert credentials.api_key not in line
    assert record.route == "/api/v1/classes"  # type: ignore[attr-defined]


def test_unknown_route_logs_no_route(anonymous: httpx.Client,
                                     caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        response = anonymous.get("/learner@example.com")

    record = request_line(caplog, response.headers["x-request-id"])
    assert record.route is None  # type: ignore[attr-defined]
    assert record.org_id is None  # type: ignore[attr-defined]
    assert record.status == 404  # type: ignore[attr-defined]
    assert "learner@example.com" not in record.getMessage()


def test_json_line_has_each_field(api: httpx.Client, credentials: NewCredentials,
                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        response = api.get("/classes")

    entry = json.loads(JsonFormatter().format(
        request_line(caplog, response.headers["x-request-id"])))
    assert {name: entry[name] for name in ("level", "logger", "request_id", "org_id",
                                           "method", "route", "status")} == {
        "level": "info",
        "logger": REQUEST_LOGGER,
        "request_id": response.headers["x-request-id"],
        "org_id": credentials.org_id,
        "method": "GET",
        "route": "/api/v1/classes",
        "status": 200,
    }
    assert isinstance(entry["duration_ms"], float)


def test_500_logs_traceback_once_with_request_id(
    server: LiveServer, api: httpx.Client, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*_args: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(server.app_state.services.classes,  # type: ignore[attr-defined]
                        "list", fail)
    with caplog.at_level(logging.INFO):
        response = api.get("/classes")

    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert failure(response) == {
        "type": "InternalServerError",
        "message": f"Internal server error (request id {request_id}).",
    }
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert len(tracebacks) == 1
    assert tracebacks[0].request_id == request_id  # type: ignore[attr-defined]
    assert tracebacks[0].getMessage() == (
        f"Unhandled error in request {request_id} GET /api/v1/classes")
    assert request_line(caplog, request_id).status == 500  # type: ignore[attr-defined]
