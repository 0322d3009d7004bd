"""Course reads served before FastAPI's routing return what the routes return."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from ondemand_courses.api.course_reads import CourseReadShortcut
from ondemand_courses.app import create_app
from ondemand_courses.settings import Settings
from ondemand_courses.store.tables import courses
from tests.conftest import LiveServer, course_body, failure


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


def test_list_follows_each_write(api: httpx.Client, class_id: str) -> None:
    first = api.post("/ondemand", json=course_body(class_id, name="First")).json()["data"]
    assert api.get("/ondemand").json()["data"] == [first]
    assert api.get("/ondemand").json()["data"] == [first]

    second = api.post("/ondemand", json=course_body(class_id, name="Second")).json()["data"]
    assert api.get("/ondemand").json()["data"] == [first, second]

    renamed = api.patch(f"/ondemand/{first['id']}", json={"name": "Renamed"}).json()["data"]
    assert api.get("/ondemand").json()["data"] == [renamed, second]

    api.delete(f"/ondemand/{second['id']}")
    assert api.get("/ondemand").json()["data"] == [renamed]


def test_list_follows_write_of_other_connection(server: LiveServer, api: httpx.Client,
                                                class_id: str) -> None:
    # A write by another worker process reaches the database through another connection.
    created = api.post("/ondemand", json=course_body(class_id, name="Before")).json()["data"]
    assert api.get("/ondemand").json()["data"][0]["name"] == "Before"

    with server.database.engine.begin() as connection:
        connection.execute(update(courses).where(courses.c.id == created["id"])
                           .values(name="After"))

    assert api.get("/ondemand").json()["data"][0]["name"] == "After"


def test_cached_list_keeps_bytes_and_headers(api: httpx.Client, class_id: str) -> None:
    api.post("/ondemand", json=course_body(class_id))
    read = api.get("/ondemand")

    again = api.get("/ondemand")

    assert again.status_code == 200
    assert again.content == read.content
    assert again.headers["content-type"] == "application/json; charset=utf-8"
    assert again.headers["content-length"] == str(len(read.content))
    assert again.headers["x-request-id"] != read.headers["x-request-id"]


def test_list_cache_is_per_organization(api: httpx.Client, other_api: httpx.Client,
                                        class_id: str) -> None:
    api.post("/ondemand", json=course_body(class_id))
    assert len(api.get("/ondemand").json()["data"]) == 1

    assert other_api.get("/ondemand").json()["data"] == []
