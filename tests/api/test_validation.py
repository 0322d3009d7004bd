"""Bad bodies: each problem named with its location, and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import course_body, failure


def errors_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    error = failure(response)
    assert error["type"] == "RequestValidationError"
    problems: list[dict[str, str]] = error["errors"]  # type: ignore[assignment]
    return problems


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("days_limit", "5", "Input should be a valid integer"),
        ("days_limit", True, "Input should be a valid integer"),
        ("days_limit", 5.5, "Input should be a valid integer"),
        ("days_limit", 0, "Input should be greater than or equal to 1"),
        ("days_limit", 3651, "Input should be less than or equal to 3650"),
        ("days_limit", -1, "Input should be greater than or equal to 1"),
        ("days_limit", 10**30, "Input should be less than or equal to 3650"),
        ("days_limit", None, "Input should be a valid integer"),
        ("activity_hours_limit", 0, "Input should be greater than or equal to 1"),
        ("activity_hours_limit", 10001, "Input should be less than or equal to 10000"),
        ("activity_hours_limit", "10", "Input should be a valid integer"),
        ("name", "", "Must not be empty or only spaces"),
        ("name", "   ", "Must not be empty or only spaces"),
        ("name", "x" * 201, "Must be at most 200 characters"),
        ("name", "Line\nbreak", "Must not contain control characters"),
        ("name", "Null\u0000byte", "Must not contain control characters"),
        ("name", 5, "Input should be a valid string"),
        ("class_id", 5, "Input should be a valid string"),
        ("class_id", "x" * 65, "String should have at most 64 characters"),
        ("external_id", "x" * 201, "String should have at most 200 characters"),
        ("external_id", 7, "Input should be a valid string"),
        ("status", "archived", "Input should be 'online' or 'offline'"),
        ("status", "ONLINE", "Input should be 'online' or 'offline'"),
    ],
)
def test_invalid_course_field_is_named(
    api: httpx.Client, class_id: str, field: str, value: Any, message: str
) -> None:
    response = api.post("/ondemand", json=course_body(class_id, **{field: value}))

    assert errors_of(response) == [{"location": "body", "param": field, "msg": message}]
    assert api.get("/ondemand").json()["data"] == []


def test_whole_number_with_fraction_is_integer(api: httpx.Client, class_id: str) -> None:
    # JSON Schema, which the OpenAPI document uses, counts 5.0 as the integer 5.
    response = api.post("/ondemand", json=course_body(
        class_id, days_limit=5.0, activity_hours_limit=10.0))

    assert response.status_code == 200
    assert response.json()["data"]["days_limit"] == 5
    assert response.json()["data"]["activity_hours_limit"] == 10


def test_name_of_200_characters_is_accepted(api: httpx.Client, class_id: str) -> None:
    response = api.post("/ondemand", json=course_body(class_id, name="x" * 200))

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "x" * 200


def test_limits_at_their_bounds_are_accepted(api: httpx.Client, class_id: str) -> None:
    for days, hours in ((1, 1), (3650, 10000)):
        response = api.post("/ondemand", json=course_body(
            class_id, days_limit=days, activity_hours_limit=hours))
        assert response.status_code == 200
        assert response.json()["data"]["days_limit"] == days
        assert response.json()["data"]["activity_hours_limit"] == hours


def test_every_missing_field_is_named(api: httpx.Client) -> None:
    response = api.post("/ondemand", json={})

    assert errors_of(response) == [
        {"location": "body", "param": name, "msg": "Field required"}
        for name in ("name", "class_id", "days_limit", "activity_hours_limit", "status")
    ]


def test_unknown_and_server_owned_fields_are_named(api: httpx.Client, class_id: str) -> None:
    body = course_body(class_id, id="abc", course_link="x", public_access_token="ABCD",
                       colour="red")

    response = api.post("/ondemand", json=body)

    assert errors_of(response) == [
        {"location": "body", "param": "id",
         "msg": "Is set by the server and cannot be written"},
        {"location": "body", "param": "course_link",
         "msg": "Is set by the server and cannot be written"},
        {"location": "body", "param": "public_access_token",
         "msg": "Is set by the server and cannot be written"},
        {"location": "body", "param": "colour", "msg": "Unknown field"},
    ]
    assert api.get("/ondemand").json()["data"] == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "Body is not valid JSON"),
        (b'{"name": "x",}', "Body is not valid JSON"),
        (b"[]", "Body must be a JSON object"),
        (b'"a string"', "Body must be a JSON object"),
        (b"42", "Body must be a JSON object"),
        (b"null", "Body must be a JSON object"),
        (b"", "Body is missing: send a JSON object"),
        (b"   ", "Body is missing: send a JSON object"),
        (b"\xff\xfe", "Body is not valid JSON"),
    ],
)
def test_body_that_is_not_an_object(api: httpx.Client, raw: bytes, message: str) -> None:
    response = api.post("/ondemand", content=raw,
                        headers={"Content-Type": "application/json"})

    assert errors_of(response) == [{"location": "body", "param": "", "msg": message}]


def test_validation_message_names_the_fields(api: httpx.Client, class_id: str) -> None:
    response = api.post("/ondemand", json=course_body(class_id, days_limit=0, status="x"))

    assert failure(response)["message"] == (
        "Invalid request: see errors (body 'days_limit', body 'status')."
    )


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
     "application/xml", "application/jsonp"],
)
def test_body_with_non_json_content_type_is_415(
    api: httpx.Client, class_id: str, content_type: str
) -> None:
    response = api.post("/ondemand", content=httpx.Request(
        "POST", "/", json=course_body(class_id)).content,
        headers={"Content-Type": content_type})

    assert response.status_code == 415
    assert failure(response)["type"] == "UnsupportedMediaType"
    assert api.get("/ondemand").json()["data"] == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
     "application/merge-patch+json"],
)
def test_json_content_types_are_accepted(
    api: httpx.Client, class_id: str, content_type: str
) -> None:
    raw = httpx.Request("POST", "/", json=course_body(class_id)).content

    response = api.post("/ondemand", content=raw, headers={"Content-Type": content_type})

    assert response.status_code == 200


def test_body_over_limit_is_413(api: httpx.Client, class_id: str) -> None:
    body = course_body(class_id, name="x" * (1024 * 1024))

    response = api.post("/ondemand", json=body)

    assert response.status_code == 413
    assert failure(response) == {
        "type": "PayloadTooLarge",
        "message": "The request body is larger than the limit of 1048576 bytes.",
    }
    assert api.get("/ondemand").json()["data"] == []


def test_chunked_body_over_limit_is_413(api: httpx.Client) -> None:
    def chunks() -> Any:
        for _ in range(300):
            yield b" " * 4096

    response = api.post("/ondemand", content=chunks(),
                        headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert failure(response)["type"] == "PayloadTooLarge"


def test_patch_validates_like_create(api: httpx.Client, class_id: str) -> None:
    created = api.post("/ondemand", json=course_body(class_id)).json()["data"]

    response = api.patch(f"/ondemand/{created['id']}",
                         json={"days_limit": "7", "id": "x", "status": "paused"})

    assert errors_of(response) == [
        {"location": "body", "param": "days_limit", "msg": "Input should be a valid integer"},
        {"location": "body", "param": "status", "msg": "Input should be 'online' or 'offline'"},
        {"location": "body", "param": "id", "msg": "Is set by the server and cannot be written"},
    ]
    assert api.get(f"/ondemand/{created['id']}").json()["data"] == created
