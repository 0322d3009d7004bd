"""Course reads served before FastAPI's routing return what the routes return."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ondemand_courses.api.course_reads import CourseReadShortcut
from ondemand_courses.app import create_app
from ondemand_courses.settings import Settings
from tests.conftest import course_body, failure


def test_get_course_matches_create_bytes(api: httpx.Client, class_id: str) -> None:
    created = api.post("/ondemand", json=course_body(class_id))

    fetched = api.get(f"/ondemand/{created.json()['data']['id']}")

    assert fetched.status_code == 200
    assert fetched.content == created.content
    assert fetched.headers["content-type"] == "application/json; charset=utf-8"
    assert fetched.headers["content-length"] == str(len(created.content))
    assert len(fetched.headers["x-request-id"]) == 16


@pytest.mark.parametrize("host", ["courses.example.test", "courses.example.test:8443",
                                  "other.example.test"])
def test_course_link_follows_host_header(api: httpx.Client, class_id: str, host: str) -> None:
    created = api.post("/ondemand", json=course_body(class_id), headers={"Host": host})
    course_id = created.json()["data"]["id"]

    fetched = api.get(f"/ondemand/{course_id}", headers={"Host": host})
    listed = api.get("/ondemand", headers={"Host": host})

    expected_link = f"http://{host}/training/ondemand/{course_id}"
    assert created.json()["data"]["course_link"] == expected_link
    assert fetched.json()["data"]["course_link"] == expected_link
    assert listed.json()["data"][0]["course_link"] == expected_link


def test_list_with_paging_keeps_metadata(api: httpx.Client, class_id: str) -> None:
    api.post("/ondemand", json=course_body(class_id))

    response = api.get("/ondemand", params={"limit": 5})

    assert response.status_code == 200
    assert response.json()["metadata"] == {"total_items": 1, "total_pages": 1,
                                           "current_page": 1, "limit": 5}


def test_nested_unknown_path_is_not_a_course(api: httpx.Client, class_id: str) -> None:
    created = api.post("/ondemand", json=course_body(class_id))

    response = api.get(f"/ondemand/{created.json()['data']['id']}/unknown")

    assert response.status_code == 404
    assert failure(response)["type"] == "NotFound"


def test_head_of_course_is_not_allowed(api: httpx.Client, class_id: str) -> None:
    created = api.post("/ondemand", json=course_body(class_id))

    response = api.head(f"/ondemand/{created.json()['data']['id']}")

    assert response.status_code == 405


@pytest.mark.parametrize(("rate_limit", "installed"), [(0, True), (60, False)])
def test_shortcut_only_without_rate_limit(tmp_path: Path, rate_limit: int,
                                          installed: bool) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'shortcut.db'}",
                        rate_limit_per_minute=rate_limit)
    app = create_app(settings)

    middleware = [entry.cls for entry in app.user_middleware]

    assert (CourseReadShortcut in middleware) is installed
    app.state.database.dispose()
