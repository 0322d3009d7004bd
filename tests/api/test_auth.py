"""Authentication: every route but health, the docs and the learner pages needs a key."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from ondemand_courses.services.organizations import NewCredentials
from tests.conftest import LiveServer, failure

WRONG = "Invalid credentials: the organization id or the API key is wrong."
MISSING = "Missing credentials: send the header 'Authorization: Bearer ORG_ID:API_KEY'."
MALFORMED = "Malformed Authorization header: expected 'Bearer ORG_ID:API_KEY'."
EXPECTED_MESSAGES = {
    "missing": MISSING,
    "empty": MALFORMED,
    "basic scheme": MALFORMED,
    "no colon": MALFORMED,
    "empty key": MALFORMED,
    "empty org": MALFORMED,
    "wrong key": WRONG,
    "wrong org": WRONG,
    "swapped": WRONG,
    "bearer only": MALFORMED,
}


def bad_headers(credentials: NewCredentials) -> dict[str, dict[str, str]]:
    org_id, api_key = credentials.org_id, credentials.api_key
    return {
        "missing": {},
        "empty": {"Authorization": ""},
        "basic scheme": {"Authorization": f"Basic {org_id}:{api_key}"},
        "no colon": {"Authorization": f"Bearer {org_id}{api_key}"},
        "empty key": {"Authorization": f"Bearer {org_id}:"},
        "empty org": {"Authorization": f"Bearer :{api_key}"},
        "wrong key": {"Authorization": f"Bearer {org_id}:{api_key}x"},
        "wrong org": {"Authorization": f"Bearer hd3ALTaLAbhfzmBbf:{api_key}"},
        "swapped": {"Authorization": f"Bearer {api_key}:{org_id}"},
        "bearer only": {"Authorization": "Bearer"},
    }


@pytest.mark.parametrize("case", sorted(EXPECTED_MESSAGES))
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/ondemand"), ("POST", "/ondemand"), ("GET", "/ondemand/hd3ALTaLAbhfzmBbf"),
     ("PATCH", "/ondemand/hd3ALTaLAbhfzmBbf"), ("DELETE", "/ondemand/hd3ALTaLAbhfzmBbf"),
     ("GET", "/classes"), ("POST", "/classes")],
)
def test_bad_credentials_are_401(
    server: LiveServer, credentials: NewCredentials, case: str, method: str, path: str
) -> None:
    with server.client() as client:
        response = client.request(method, path, headers=bad_headers(credentials)[case],
                                  json={"name": "x"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert failure(response) == {"type": "InvalidCredentials", "message": EXPECTED_MESSAGES[case]}


def test_scheme_word_is_case_insensitive(server: LiveServer, credentials: NewCredentials) -> None:
    header = f"bEaReR {credentials.org_id}:{credentials.api_key}"
    with server.client() as client:
        response = client.get("/ondemand", headers={"Authorization": header})

    assert response.status_code == 200


def test_key_splits_at_first_colon(server: LiveServer, credentials: NewCredentials) -> None:
    header = f"Bearer {credentials.org_id}:{credentials.api_key}:extra"
    with server.client() as client:
        response = client.get("/ondemand", headers={"Authorization": header})

    assert response.status_code == 401


def test_auth_checked_before_body(server: LiveServer) -> None:
    with server.client() as client:
        response = client.post("/ondemand", content=b"x" * (2 * 1024 * 1024),
                               headers={"Content-Type": "text/plain"})

    assert response.status_code == 401


def test_health_without_credentials(anonymous: httpx.Client) -> None:
    response = anonymous.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": "Healthy"}
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_health_checks_credentials_when_sent(
    server: LiveServer, credentials: NewCredentials
) -> None:
    with server.client(credentials) as client:
        good = client.get("/health")
    with server.client() as client:
        bad = client.get("/health", headers=bad_headers(credentials)["wrong key"])

    assert good.status_code == 200
    assert good.json() == {"status": "ok", "message": "Healthy"}
    assert bad.status_code == 401
    assert failure(bad) == {"type": "InvalidCredentials", "message": WRONG}


def test_keys_have_scanner_prefix(credentials: NewCredentials) -> None:
    assert credentials.api_key.startswith("odc_")
    assert len(credentials.api_key) == 47


def test_key_is_stored_only_hashed(server: LiveServer, credentials: NewCredentials) -> None:
    with server.database.read() as connection:
        rows = connection.execute(
            text("SELECT * FROM organizations WHERE id = :id"), {"id": credentials.org_id}
        ).all()

    assert len(rows) == 1
    assert credentials.api_key not in repr(rows)
