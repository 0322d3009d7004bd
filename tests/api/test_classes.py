"""``/classes``: the lab templates that courses are based on."""

from __future__ import annotations

import httpx

from tests.conftest import course_body, failure

CREATED_AT = "2026-01-01T00:00:00.000Z"


def test_create_and_get_class(api: httpx.Client) -> None:
    response = api.post("/classes", json={"name": " Kafka lab ", "description": "Three brokers"})

    assert response.status_code == 200
    created = response.json()["data"]
    assert created == {"id": created["id"], "name": "Kafka lab", "description": "Three brokers",
                       "created_at": CREATED_AT}
    assert api.get(f"/classes/{created['id']}").json() == {"result": "success", "data": created}


def test_class_description_is_optional(api: httpx.Client) -> None:
    created = api.post("/classes", json={"name": "Lab"}).json()["data"]

    assert created["description"] is None


def test_list_classes_oldest_first(api: httpx.Client) -> None:
    names = ["B lab", "A lab", "C lab"]
    for name in names:
        api.post("/classes", json={"name": name})

    listed = api.get("/classes").json()

    assert listed["result"] == "success"
    assert [item["name"] for item in listed["data"]] == names


def test_patch_class(api: httpx.Client, class_id: str) -> None:
    response = api.patch(f"/classes/{class_id}", json={"description": "Updated"})

    assert response.status_code == 200
    assert response.json()["data"] == {"id": class_id, "name": "Elastic Stack lab",
                                       "description": "Updated", "created_at": CREATED_AT}


def test_patch_class_validates(api: httpx.Client, class_id: str) -> None:
    response = api.patch(f"/classes/{class_id}", json={"name": "", "created_at": "x"})

    assert response.status_code == 422
    assert failure(response)["errors"] == [
        {"location": "body", "param": "name", "msg": "Must not be empty or only spaces"},
        {"location": "body", "param": "created_at",
         "msg": "Is set by the server and cannot be written"},
    ]


def test_delete_unused_class(api: httpx.Client, class_id: str) -> None:
    response = api.delete(f"/classes/{class_id}")

    assert response.status_code == 200
    assert response.json() == {"result": "success"}
    assert api.get(f"/classes/{class_id}").status_code == 404


def test_delete_class_in_use_is_refused(api: httpx.Client, class_id: str) -> None:
    api.post("/ondemand", json=course_body(class_id))

    response = api.delete(f"/classes/{class_id}")

    assert response.status_code == 409
    assert failure(response) == {
        "type": "ClassInUse",
        "message": "The class is in use by at least one course; delete those courses first.",
    }
    assert api.get(f"/classes/{class_id}").status_code == 200


def test_delete_class_after_its_courses(api: httpx.Client, class_id: str) -> None:
    course = api.post("/ondemand", json=course_body(class_id)).json()["data"]
    api.delete(f"/ondemand/{course['id']}")

    response = api.delete(f"/classes/{class_id}")

    assert response.status_code == 200


def test_other_organizations_class_is_unknown(
    api: httpx.Client, other_api: httpx.Client, class_id: str
) -> None:
    for method, body in (("GET", None), ("PATCH", {"name": "Mine"}), ("DELETE", None)):
        response = other_api.request(method, f"/classes/{class_id}", json=body)
        assert response.status_code == 404
        assert failure(response) == {"type": "ClassNotFound",
                                     "message": f"Class '{class_id}' not found."}

    assert other_api.get("/classes").json()["data"] == []
    assert api.get(f"/classes/{class_id}").json()["data"]["name"] == "Elastic Stack lab"
