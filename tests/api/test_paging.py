"""``page`` and ``limit`` on lists."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import course_body, failure


@pytest.fixture
def course_ids(api: httpx.Client, class_id: str) -> list[str]:
    return [api.post("/ondemand", json=course_body(class_id, name=f"Course {index}"))
            .json()["data"]["id"] for index in range(5)]


@pytest.mark.parametrize(
    ("query", "expected_slice", "metadata"),
    [
        ("page=1&limit=2", slice(0, 2), {"total_items": 5, "total_pages": 3, "current_page": 1,
                                         "limit": 2}),
        ("page=3&limit=2", slice(4, 5), {"total_items": 5, "total_pages": 3, "current_page": 3,
                                         "limit": 2}),
        ("page=4&limit=2", slice(0, 0), {"total_items": 5, "total_pages": 3, "current_page": 4,
                                         "limit": 2}),
        ("limit=5", slice(0, 5), {"total_items": 5, "total_pages": 1, "current_page": 1,
                                  "limit": 5}),
        ("page=1", slice(0, 5), {"total_items": 5, "total_pages": 1, "current_page": 1,
                                 "limit": 100}),
        ("page=999999999999999999", slice(0, 0), {"total_items": 5, "total_pages": 1,
                                                  "current_page": 999999999999999999,
                                                  "limit": 100}),
    ],
)
def test_page_of_courses(
    api: httpx.Client, course_ids: list[str], query: str, expected_slice: slice,
    metadata: dict[str, int]
) -> None:
    response = api.get(f"/ondemand?{query}")

    assert response.status_code == 200
    payload = response.json()
    assert set(payload) == {"result", "data", "metadata"}
    assert [course["id"] for course in payload["data"]] == course_ids[expected_slice]
    assert payload["metadata"] == metadata


def test_empty_list_has_zero_pages(api: httpx.Client) -> None:
    response = api.get("/ondemand?page=1&limit=10")

    assert response.json() == {
        "result": "success", "data": [],
        "metadata": {"total_items": 0, "total_pages": 0, "current_page": 1, "limit": 10},
    }


def test_classes_are_paged_too(api: httpx.Client) -> None:
    for index in range(3):
        api.post("/classes", json={"name": f"Lab {index}"})

    payload = api.get("/classes?page=2&limit=2").json()

    assert [item["name"] for item in payload["data"]] == ["Lab 2"]
    assert payload["metadata"] == {"total_items": 3, "total_pages": 2, "current_page": 2,
                                   "limit": 2}


@pytest.mark.parametrize(
    ("query", "problems"),
    [
        ("page=0", [("page", "Must be at least 1")]),
        ("page=-1", [("page", "Must be an integer")]),
        ("page=1.0", [("page", "Must be an integer")]),
        ("page=%2B1", [("page", "Must be an integer")]),
        ("page=1_0", [("page", "Must be an integer")]),
        ("page=", [("page", "Must be an integer")]),
        ("page=abc", [("page", "Must be an integer")]),
        ("page=1000000000000000000", [("page", "Must be at most 999999999999999999")]),
        ("page=" + "9" * 5000, [("page", "Must be at most 999999999999999999")]),
        ("limit=" + "5" * 5000, [("limit", "Must be at most 1000")]),
        ("limit=0", [("limit", "Must be at least 1")]),
        ("limit=1001", [("limit", "Must be at most 1000")]),
        ("page=x&limit=0", [("page", "Must be an integer"), ("limit", "Must be at least 1")]),
    ],
)
def test_invalid_paging_is_422(
    api: httpx.Client, query: str, problems: list[tuple[str, str]]
) -> None:
    response = api.get(f"/ondemand?{query}")

    assert response.status_code == 422
    error = failure(response)
    assert error["type"] == "RequestValidationError"
    assert error["errors"] == [{"location": "query", "param": param, "msg": message}
                               for param, message in problems]


def test_limit_of_1000_is_accepted(api: httpx.Client) -> None:
    response = api.get("/ondemand?limit=1000")

    assert response.status_code == 200
    assert response.json()["metadata"]["limit"] == 1000


def test_limit_with_leading_zeros_is_accepted(api: httpx.Client) -> None:
    response = api.get("/ondemand?limit=" + "0" * 5000 + "7")

    assert response.status_code == 200
    assert response.json()["metadata"]["limit"] == 7
