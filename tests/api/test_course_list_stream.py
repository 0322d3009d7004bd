"""A whole course list longer than one batch is streamed with the same bytes as one body."""

from __future__ import annotations

import httpx
import orjson
import pytest

from ondemand_courses.api.routes import courses as course_routes
from tests.conftest import course_body

BATCH_SIZE = 10


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(course_routes, "LIST_BATCH_SIZE", BATCH_SIZE)


def create_courses(api: httpx.Client, class_id: str, count: int) -> list[str]:
    created = []
    for number in range(count):
        response = api.post("/ondemand", json=course_body(
            class_id, name=f"Course {number}", external_id=None if number % 2 else f"c{number}",
            status="offline" if number % 3 == 0 else "online"))
        assert response.status_code == 200
        created.append(response.json()["data"]["id"])
    return created


def expected_body(api: httpx.Client, count: int) -> bytes:
    """Build the one-body response from single pages, which are never streamed."""
    items = []
    for page in range(1, count // BATCH_SIZE + 2):
        response = api.get("/ondemand", params={"page": page, "limit": BATCH_SIZE})
        items += response.json()["data"]
    return orjson.dumps({"result": "success", "data": items})


@pytest.mark.usefixtures("small_batches")
def test_list_longer_than_batch_is_streamed(api: httpx.Client, class_id: str) -> None:
    created = create_courses(api, class_id, 2 * BATCH_SIZE + 5)

    response = api.get("/ondemand")

    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.content == expected_body(api, len(created))
    assert [course["id"] for course in response.json()["data"]] == created


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("count", [0, 1, BATCH_SIZE])
def test_list_of_one_batch_is_one_body(api: httpx.Client, class_id: str, count: int) -> None:
    created = create_courses(api, class_id, count)

    response = api.get("/ondemand")

    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(response.content))
    assert response.content == expected_body(api, len(created))
    assert [course["id"] for course in response.json()["data"]] == created


@pytest.mark.usefixtures("small_batches")
def test_list_of_exact_batches_is_complete(api: httpx.Client, class_id: str) -> None:
    created = create_courses(api, class_id, 2 * BATCH_SIZE)

    response = api.get("/ondemand")

    assert response.content == expected_body(api, len(created))
    assert [course["id"] for course in response.json()["data"]] == created
