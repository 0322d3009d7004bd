"""The OpenAPI document and the interactive docs."""

from __future__ import annotations

import httpx


def test_openapi_lists_every_operation(anonymous: httpx.Client) -> None:
    response = anonymous.get("/openapi.json")

    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.status_code == 200
    document = response.json()
    operations = {
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
    }
    assert operations == {
        ("GET", "/api/v1/health"),
        ("GET", "/api/v1/ondemand"), ("POST", "/api/v1/ondemand"),
        ("GET", "/api/v1/ondemand/{course_id}"), ("PATCH", "/api/v1/ondemand/{course_id}"),
        ("DELETE", "/api/v1/ondemand/{course_id}"),
        ("GET", "/api/v1/classes"), ("POST", "/api/v1/classes"),
        ("GET", "/api/v1/classes/{class_id}"), ("PATCH", "/api/v1/classes/{class_id}"),
        ("DELETE", "/api/v1/classes/{class_id}"),
        ("GET", "/api/v1/ondemand/{course_id}/enrollments"),
        ("POST", "/api/v1/ondemand/{course_id}/enrollments"),
        ("GET", "/api/v1/ondemand/{course_id}/enrollments/{enrollment_id}"),
        ("PATCH", "/api/v1/ondemand/{course_id}/enrollments/{enrollment_id}"),
        ("DELETE", "/api/v1/ondemand/{course_id}/enrollments/{enrollment_id}"),
    }


def test_openapi_describes_course_body_and_auth(anonymous: httpx.Client) -> None:
    document = anonymous.get("/openapi.json").json()
    create = document["paths"]["/api/v1/ondemand"]["post"]

    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["name", "class_id", "days_limit", "activity_hours_limit",
                                  "status"]
    assert schema["additionalProperties"] is False
    assert create["security"] == [{"bearerAuth": []}]
    assert set(create["responses"]) == {"200", "401", "404", "408", "413", "415", "422", "429",
                                      "431", "500"}
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_is_served(anonymous: httpx.Client) -> None:
    response = anonymous.get("/docs")

    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.text


def test_openapi_documents_limit_headers(anonymous: httpx.Client) -> None:
    document = anonymous.get("/openapi.json").json()
    responses = document["paths"]["/api/v1/classes"]["post"]["responses"]

    assert set(responses["200"]["headers"]) == {
        "X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    assert responses["429"]["headers"]["Retry-After"]["required"] is True
    assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert responses["408"]["description"] == "RequestTimeout"
    assert responses["431"]["description"] == "RequestHeaderFieldsTooLarge"


def test_openapi_update_fields_are_not_nullable(anonymous: httpx.Client) -> None:
    document = anonymous.get("/openapi.json").json()
    update = document["paths"]["/api/v1/ondemand/{course_id}"]["patch"]
    properties = update["requestBody"]["content"]["application/json"]["schema"]["properties"]

    assert properties["days_limit"] == {"type": "integer", "minimum": 1, "maximum": 3650,
                                        "title": "Days Limit"}
    assert {"type": "null"} in properties["external_id"]["anyOf"]
