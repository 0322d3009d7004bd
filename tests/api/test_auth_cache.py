"""Verified keys are remembered for at most one second, so a changed key stops working."""

from __future__ import annotations

import time

from ondemand_courses import ids
from ondemand_courses.services.organizations import VERIFIED_KEY_SECONDS, NewCredentials
from ondemand_courses.store import organizations as organization_store
from ondemand_courses.store.database import Database
from tests.conftest import LiveServer, failure


def get_courses(server: LiveServer, org_id: str, api_key: str) -> int:
    with server.client() as client:
        response = client.get("/ondemand", headers={"Authorization": f"Bearer {org_id}:{api_key}"})
    return response.status_code


def test_rotated_key_fails_at_once(server: LiveServer, credentials: NewCredentials) -> None:
    assert get_courses(server, credentials.org_id, credentials.api_key) == 200

    services = server.app_state.services  # type: ignore[attr-defined]
    rotated: NewCredentials = services.organizations.rotate_key(credentials.org_id)

    assert get_courses(server, credentials.org_id, credentials.api_key) == 401
    assert get_courses(server, credentials.org_id, rotated.api_key) == 200


def test_key_changed_elsewhere_fails_within_a_second(
    server: LiveServer, credentials: NewCredentials
) -> None:
    assert get_courses(server, credentials.org_id, credentials.api_key) == 200

    # Another process (a second worker, or the CLI) changes the key behind this one's cache.
    other_process = Database(server.settings.database_url)
    with other_process.write() as connection:
        organization_store.set_api_key_hash(connection, credentials.org_id,
                                            ids.hash_api_key("odc_replaced"))
    other_process.dispose()
    time.sleep(VERIFIED_KEY_SECONDS + 0.05)

    assert get_courses(server, credentials.org_id, credentials.api_key) == 401
    assert get_courses(server, credentials.org_id, "odc_replaced") == 200


def test_wrong_key_after_verified_key(server: LiveServer, credentials: NewCredentials) -> None:
    assert get_courses(server, credentials.org_id, credentials.api_key) == 200

    with server.client() as client:
        response = client.get("/ondemand", headers={
            "Authorization": f"Bearer {credentials.org_id}:{credentials.api_key}x"})

    assert response.status_code == 401
    assert failure(response)["type"] == "InvalidCredentials"
