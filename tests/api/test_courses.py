"""The seed's course endpoints, replayed as written, and the rules around them."""

from __future__ import annotations

import re

import httpx
import pytest

from ondemand_courses.ids import ID_ALPHABET
from tests.conftest import LiveServer, course_body, failure

SEED_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
COURSE_FIELDS = {
    "activity_hours_limit", "class_id", "course_link", "days_limit", "external_id", "id",
    "name", "public_access_token", "status",
}


def create_course(api: httpx.Client, class_id: str, **overrides: object) -> dict[str, object]:
    response = api.post("/ondemand", json=course_body(class_id, **overrides))
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def test_create_course_as_in_seed(api: httpx.Client, server: LiveServer, class_id: str) -> None:
    body = {
        "name": "My Event",
        "class_id": class_id,
        "days_limit": 5,
        "activity_hours_limit": 10,
        "status": "online",
        "external_id": "course1",
    }

    response = api.post("/ondemand", json=body, headers=SEED_HEADERS)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    payload = response.json()
    assert set(payload) == {"result", "data"}
    assert payload["result"] == "success"
    course = payload["data"]
    assert set(course) == COURSE_FIELDS
    assert re.fullmatch(f"[{ID_ALPHABET}]{{17}}", course["id"])
    assert re.fullmatch("[A-Z]{4}", course["public_access_token"])
    assert course["course_link"] == f"{server.url}/training/ondemand/{course['id']}"
    assert {key: course[key] for key in body} == body


def test_list_courses_as_in_seed(api: httpx.Client, class_id: str) -> None:
    first = create_course(api, class_id, name="First", status="online")
    second = create_course(api, class_id, name="Second", status="offline", external_id=None)

    response = api.get("/ondemand", headers=SEED_HEADERS)

    assert response.status_code == 200
    assert response.json() == {"result": "success", "data": [first, second]}


def test_list_courses_of_new_organization_is_empty(api: httpx.Client) -> None:
    response = api.get("/ondemand")

    assert response.status_code == 200
    assert response.json() == {"result": "success", "data": []}


def test_get_course_as_in_seed(api: httpx.Client, class_id: str) -> None:
    created = create_course(api, class_id)

    response = api.get(f"/ondemand/{created['id']}", headers=SEED_HEADERS)

    assert response.status_code == 200
    assert response.json() == {"result": "success", "data": created}


def test_delete_course_as_in_seed(api: httpx.Client, class_id: str) -> None:
    created = create_course(api, class_id)

    response = api.delete(f"/ondemand/{created['id']}", headers=SEED_HEADERS)

    assert response.status_code == 200
    assert response.json() == {"result": "success"}
    assert api.get(f"/ondemand/{created['id']}").status_code == 404
    assert api.get("/ondemand").json()["data"] == []


def test_delete_course_twice_is_not_found(api: httpx.Client, class_id: str) -> None:
    created = create_course(api, class_id)
    assert api.delete(f"/ondemand/{created['id']}").status_code == 200

    response = api.delete(f"/ondemand/{created['id']}")

    assert response.status_code == 404
    assert failure(response) == {"type": "CourseNotFound",
                                 "message": f"Course '{created['id']}' not found."}


def test_external_id_is_null_when_absent(api: httpx.Client, class_id: str) -> None:
    body = course_body(class_id)
    del body["external_id"]

    response = api.post("/ondemand", json=body)

    assert response.status_code == 200
    assert response.json()["data"]["external_id"] is None


def test_name_is_trimmed(api: httpx.Client, class_id: str) -> None:
    course = create_course(api, class_id, name="  Kafka basics \t")

    assert course["name"] == "Kafka basics"


def test_access_token_is_fixed_for_course_life(api: httpx.Client, class_id: str) -> None:
    created = create_course(api, class_id)

    updated = api.patch(f"/ondemand/{created['id']}", json={"name": "Renamed"}).json()["data"]

    assert updated["public_access_token"] == created["public_access_token"]
    assert updated["id"] == created["id"]


def test_public_url_setting_sets_course_link(database_url: str) -> None:
    from tests.conftest import start_server

    servers = start_server(database_url, public_url="https://courses.example.com/")
    server = next(servers)
    try:
        with server.client(server.create_organization()) as client:
            class_id = client.post("/classes", json={"name": "Lab"}).json()["data"]["id"]
            course = create_course(client, class_id)
        assert course["course_link"] == (
            f"https://courses.example.com/training/ondemand/{course['id']}"
        )
    finally:
        servers.close()


def test_create_course_with_unknown_class_is_refused(api: httpx.Client) -> None:
    response = api.post("/ondemand", json=course_body("hd3ALTaLAbhfzmBbf"))

    assert response.status_code == 404
    assert failure(response) == {
        "type": "ClassNotFound",
        "message": "Class 'hd3ALTaLAbhfzmBbf' (body 'class_id') not found.",
    }
    assert api.get("/ondemand").json()["data"] == []


def test_create_course_with_other_organizations_class_is_refused(
    api: httpx.Client, other_api: httpx.Client
) -> None:
    foreign_class = other_api.post("/classes", json={"name": "Theirs"}).json()["data"]["id"]

    response = api.post("/ondemand", json=course_body(foreign_class))

    assert response.status_code == 404
    assert failure(response)["type"] == "ClassNotFound"


def test_other_organizations_course_is_unknown(
    api: httpx.Client, other_api: httpx.Client, class_id: str
) -> None:
    created = create_course(api, class_id)
    course_path = f"/ondemand/{created['id']}"
    unknown_path = "/ondemand/hd3ALTaLAbhfzmBbf"

    for method, body in (("GET", None), ("PATCH", {"name": "Stolen"}), ("DELETE", None)):
        foreign = other_api.request(method, course_path, json=body)
        unknown = other_api.request(method, unknown_path, json=body)
        assert foreign.status_code == unknown.status_code == 404
        assert failure(foreign) == {"type": "CourseNotFound",
                                    "message": f"Course '{created['id']}' not found."}
        assert failure(unknown) == {"type": "CourseNotFound",
                                    "message": "Course 'hd3ALTaLAbhfzmBbf' not found."}

    assert other_api.get("/ondemand").json()["data"] == []
    assert api.get(course_path).json()["data"] == created


@pytest.mark.parametrize(
    ("course_id", "shown"),
    [("x", "x"), ("hd3ALTaLAbhfzmBbf", "hd3ALTaLAbhfzmBbf"), ("0" * 17, "0" * 17),
     ("a" * 300, "a" * 40 + "..."), ("%E2%9C%93", "\u2713")],
)
def test_get_unknown_or_malformed_course_id(
    api: httpx.Client, course_id: str, shown: str
) -> None:
    response = api.get(f"/ondemand/{course_id}")

    assert response.status_code == 404
    assert failure(response) == {"type": "CourseNotFound",
                                 "message": f"Course '{shown}' not found."}


def test_patch_course_changes_only_given_fields(api: httpx.Client, class_id: str) -> None:
    created = create_course(api, class_id)
    other_class = api.post("/classes", json={"name": "Other lab"}).json()["data"]["id"]
    changes = {"status": "offline", "days_limit": 30, "class_id": other_class,
               "external_id": None}

    response = api.patch(f"/ondemand/{created['id']}", json=changes)

    assert response.status_code == 200
    expected = {**created, **changes}
    assert response.json() == {"result": "success", "data": expected}
    assert api.get(f"/ondemand/{created['id']}").json()["data"] == expected


def test_patch_course_with_empty_object_changes_nothing(
    api: httpx.Client, class_id: str
) -> None:
    created = create_course(api, class_id)

    response = api.patch(f"/ondemand/{created['id']}", json={})

    assert response.status_code == 200
    assert response.json()["data"] == created


def test_patch_course_to_unknown_class_changes_nothing(
    api: httpx.Client, class_id: str
) -> None:
    created = create_course(api, class_id)

    response = api.patch(f"/ondemand/{created['id']}",
                         json={"class_id": "hd3ALTaLAbhfzmBbf", "name": "New"})

    assert response.status_code == 404
    assert failure(response)["type"] == "ClassNotFound"
    assert api.get(f"/ondemand/{created['id']}").json()["data"] == created


def test_patch_course_rejects_null_for_required_fields(
    api: httpx.Client, class_id: str
) -> None:
    created = create_course(api, class_id)

    response = api.patch(f"/ondemand/{created['id']}", json={"name": None, "days_limit": None})

    assert response.status_code == 422
    assert failure(response)["errors"] == [
        {"location": "body", "param": "days_limit", "msg": "Must not be null"},
        {"location": "body", "param": "name", "msg": "Must not be null"},
    ]
    assert api.get(f"/ondemand/{created['id']}").json()["data"] == created


def test_list_is_oldest_first_whatever_status(api: httpx.Client, class_id: str) -> None:
    statuses = ["offline", "online", "offline", "online", "online"]
    created = [create_course(api, class_id, name=f"Course {index}", status=status)
               for index, status in enumerate(statuses)]

    listed = api.get("/ondemand").json()["data"]

    assert [course["id"] for course in listed] == [course["id"] for course in created]
    assert [course["status"] for course in listed] == statuses


def test_get_and_delete_ignore_json_body(api: httpx.Client, class_id: str) -> None:
    created = create_course(api, class_id)
    path = f"/ondemand/{created['id']}"

    fetched = api.request("GET", path, content=b"{}", headers=SEED_HEADERS)
    listed = api.request("GET", "/ondemand", content=b"not json", headers=SEED_HEADERS)
    deleted = api.request("DELETE", path, content=b"{}", headers=SEED_HEADERS)

    assert fetched.status_code == 200
    assert fetched.json()["data"] == created
    assert listed.status_code == 200
    assert deleted.status_code == 200
    assert deleted.json() == {"result": "success"}
