"""Unknown routes and methods get failure envelopes."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveServer, failure

TRAILING_SLASH_HINT = "; remove the trailing slash"
hints = {"/ondemand/": TRAILING_SLASH_HINT, "//ondemand": "", "/ondemands": "",
         "/classes/": TRAILING_SLASH_HINT, "/": TRAILING_SLASH_HINT, "/ondemand/a/b/c": ""}


@pytest.mark.parametrize("path", list(hints))
def test_unknown_route_is_404_not_redirect(
    api: httpx.Client, server: LiveServer, path: str
) -> None:
    # A full URL, because httpx would merge a path that starts with // into the base URL.
    response = api.get(f"{server.url}/api/v1{path}", follow_redirects=False)

    assert response.status_code == 404
    assert failure(response) == {
        "type": "NotFound",
        "message": f"No route matches GET '/api/v1{path}'{hints[path]}.",
    }


def test_path_outside_api_is_404_in_envelope(api: httpx.Client, server: LiveServer) -> None:
    response = api.get(f"{server.url}/nothing-here")

    assert response.status_code == 404
    assert failure(response) == {"type": "NotFound",
                                 "message": "No route matches GET '/nothing-here'."}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/ondemand", "GET, POST"),
        ("DELETE", "/ondemand", "GET, POST"),
        ("POST", "/ondemand/hd3ALTaLAbhfzmBbf", "DELETE, GET, PATCH"),
        ("PUT", "/classes/hd3ALTaLAbhfzmBbf", "DELETE, GET, PATCH"),
        ("POST", "/health", "GET"),
    ],
)
def test_wrong_method_is_405_with_allow(
    api: httpx.Client, method: str, path: str, allowed: str
) -> None:
    response = api.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert failure(response) == {
        "type": "MethodNotAllowed",
        "message": f"Method {method} is not allowed here; allowed: {allowed}.",
    }


def test_every_response_has_request_id(api: httpx.Client) -> None:
    ok = api.get("/ondemand")
    missing = api.get("/nowhere")

    assert len(ok.headers["x-request-id"]) == 16
    assert len(missing.headers["x-request-id"]) == 16
    assert ok.headers["x-request-id"] != missing.headers["x-request-id"]
