"""The course link's HTML pages: the start form, the learner's status and their failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, start_server
from tests.learners import (
    DAY_MS,
    browser,
    create_course,
    enroll,
    heartbeat,
    only_enrollment,
    start_form,
    start_learner,
    timestamp,
)


@pytest.fixture
def course(api: httpx.Client, class_id: str) -> dict[str, Any]:
    return create_course(api, class_id, name="Elastic <b>Stack</b>", days_limit=5,
                         activity_hours_limit=10)


def page_path(course: dict[str, Any]) -> str:
    return f"/training/ondemand/{course['id']}"


def test_course_page_shows_course_and_form(server: LiveServer,
                                           course: dict[str, Any]) -> None:
    with browser(server) as learner:
        response = learner.get(page_path(course))

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "<h1>Elastic &lt;b&gt;Stack&lt;/b&gt;</h1>" in response.text
    assert f'<form method="post" action="{page_path(course)}/start">' in response.text
    assert 'name="email"' in response.text
    assert 'name="access_token"' in response.text
    assert course["public_access_token"] not in response.text


def test_course_link_opens_course_page(server: LiveServer, course: dict[str, Any]) -> None:
    with browser(server) as learner:
        response = learner.get(course["course_link"])

    assert response.status_code == 200
    assert "Start the course" in response.text


def test_unknown_course_page_is_readable_404(server: LiveServer) -> None:
    with browser(server) as learner:
        page = learner.get("/training/ondemand/hd3ALTaLAbhfzmBbf")
        start = learner.post("/training/ondemand/hd3ALTaLAbhfzmBbf/start",
                             data={"email": "ada@example.com", "access_token": "ABCD"})
        nowhere = learner.get("/training/ondemand/hd3ALTaLAbhfzmBbf/nowhere")

    for response in (page, start, nowhere):
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Course not found</h1>" in page.text
    assert "<h1>Course not found</h1>" in start.text
    assert "<h1>Page not found</h1>" in nowhere.text


def test_wrong_method_on_learner_page_is_html(server: LiveServer,
                                              course: dict[str, Any]) -> None:
    with browser(server) as learner:
        response = learner.put(page_path(course))

    assert response.status_code == 405
    assert "<h1>Method not allowed</h1>" in response.text


def test_right_token_starts_new_learner(server: LiveServer, api: httpx.Client,
                                        course: dict[str, Any]) -> None:
    start_ms = server.clock.now_ms()
    with browser(server) as learner:
        response = start_form(learner, course, "Ada@Example.com")
        cookie = response.headers["set-cookie"]
        page = learner.get(page_path(course))

    assert response.status_code == 303
    assert response.headers["location"] == page_path(course)
    assert cookie.startswith("ondemand_learner=")
    assert f"Path={page_path(course)}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    enrollment = only_enrollment(api, course["id"])
    assert enrollment["email"] == "Ada@Example.com"
    assert enrollment["status"] == "started"
    assert enrollment["started_at"] == timestamp(start_ms)
    assert page.status_code == 200
    assert '<dd id="status">started</dd>' in page.text
    assert '<dd id="end-date">2026' in page.text
    assert 'data-minutes="7200">5 days 0 hours 0 minutes</dd>' in page.text
    assert 'data-minutes="600">10 hours 0 minutes</dd>' in page.text


def test_right_token_starts_enrolled_learner(server: LiveServer, api: httpx.Client,
                                             course: dict[str, Any]) -> None:
    enrolled = enroll(api, course["id"], "ada@example.com")

    with browser(server) as learner:
        response = start_form(learner, course, "ADA@example.com",
                              course["public_access_token"].lower())

    assert response.status_code == 303
    enrollment = only_enrollment(api, course["id"])
    assert enrollment["id"] == enrolled["id"]
    assert enrollment["email"] == "ada@example.com"
    assert enrollment["status"] == "started"


def test_wrong_token_starts_nothing(server: LiveServer, api: httpx.Client,
                                    course: dict[str, Any]) -> None:
    enroll(api, course["id"], "ada@example.com")
    wrong = "ZZZZ" if course["public_access_token"] != "ZZZZ" else "YYYY"

    with browser(server) as learner:
        new_email = start_form(learner, course, "grace@example.com", wrong)
        enrolled_email = start_form(learner, course, "ada@example.com", wrong)

    for response in (new_email, enrolled_email):
        assert response.status_code == 403
        assert "set-cookie" not in response.headers
        assert "That access token is not right for this course." in response.text
    assert only_enrollment(api, course["id"])["status"] == "enrolled"


def test_offline_course_starts_nothing(server: LiveServer, api: httpx.Client,
                                       class_id: str) -> None:
    course = create_course(api, class_id, status="offline")
    enroll(api, course["id"], "ada@example.com")

    with browser(server) as learner:
        page = learner.get(page_path(course))
        new_email = start_form(learner, course, "grace@example.com")
        enrolled_email = start_form(learner, course, "ada@example.com")

    assert "This course is offline" in page.text
    for response in (new_email, enrolled_email):
        assert response.status_code == 409
        assert "This course is offline and accepts no new starts." in response.text
    assert only_enrollment(api, course["id"])["status"] == "enrolled"


def test_started_learner_signs_in_to_offline_course(server: LiveServer, api: httpx.Client,
                                                    course: dict[str, Any]) -> None:
    with browser(server) as first_browser:
        start_learner(first_browser, course, "ada@example.com")
    api.patch(f"/ondemand/{course['id']}", json={"status": "offline"})

    with browser(server) as second_browser:
        response = start_form(second_browser, course, "ada@example.com")
        page = second_browser.get(page_path(course))

    assert response.status_code == 303
    assert '<dd id="status">started</dd>' in page.text


@pytest.mark.parametrize("email", ["", "not an email", "ada@"])
def test_invalid_email_is_422_with_form(server: LiveServer, api: httpx.Client,
                                        course: dict[str, Any], email: str) -> None:
    with browser(server) as learner:
        response = start_form(learner, course, email)

    assert response.status_code == 422
    assert "Enter a valid email address" in response.text
    assert 'name="email"' in response.text
    assert api.get(f"/ondemand/{course['id']}/enrollments").json()["data"] == []


def test_form_of_other_media_type_is_415(server: LiveServer, course: dict[str, Any]) -> None:
    with browser(server) as learner:
        response = learner.post(f"{page_path(course)}/start",
                                json={"email": "ada@example.com", "access_token": "ABCD"})

    assert response.status_code == 415
    assert "<h1>Unsupported form</h1>" in response.text


def test_post_from_other_site_is_refused(server: LiveServer, api: httpx.Client,
                                         course: dict[str, Any]) -> None:
    with browser(server) as learner:
        response = learner.post(f"{page_path(course)}/start",
                                data={"email": "ada@example.com",
                                      "access_token": course["public_access_token"]},
                                headers={"Origin": "https://elsewhere.example"})

    assert response.status_code == 403
    assert "sent from another site" in response.text
    assert api.get(f"/ondemand/{course['id']}/enrollments").json()["data"] == []


def test_post_from_public_url_with_path_is_accepted(tmp_path: Path) -> None:
    servers = start_server(f"sqlite:///{tmp_path}/public.db",
                           public_url="https://courses.example.com/lab")
    server = next(servers)
    try:
        with server.client(server.create_organization()) as api:
            class_id = api.post("/classes", json={"name": "Lab"}).json()["data"]["id"]
            course = create_course(api, class_id)
        with browser(server) as learner:
            response = learner.post(f"/training/ondemand/{course['id']}/start",
                                    data={"email": "ada@example.com",
                                          "access_token": course["public_access_token"]},
                                    headers={"Origin": "https://courses.example.com"})
    finally:
        servers.close()

    assert response.status_code == 303


def test_repeated_wrong_tokens_are_slowed_down(server: LiveServer, api: httpx.Client,
                                               course: dict[str, Any]) -> None:
    wrong = "ZZZZ" if course["public_access_token"] != "ZZZZ" else "YYYY"
    with browser(server) as learner:
        wrong_answers = [start_form(learner, course, "ada@example.com", wrong).status_code
                         for _ in range(5)]
        server.clock.advance(minutes=1)
        blocked = start_form(learner, course, "ada@example.com")
        server.clock.advance(minutes=9)
        allowed = start_form(learner, course, "ada@example.com")

    assert wrong_answers == [403] * 5
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"] == "540"
    assert "Too many wrong access tokens from your address. Try again in 9 minutes." in (
        blocked.text)
    assert allowed.status_code == 303
    assert only_enrollment(api, course["id"])["status"] == "started"


def test_heartbeat_needs_signed_in_browser(server: LiveServer,
                                           course: dict[str, Any]) -> None:
    with browser(server) as learner:
        response = learner.post(f"{page_path(course)}/heartbeat")

    assert response.status_code == 403
    assert "<h1>Not signed in</h1>" in response.text


def test_signing_in_again_signs_out_other_browser(server: LiveServer,
                                                  course: dict[str, Any]) -> None:
    with browser(server) as first_browser, browser(server) as second_browser:
        start_learner(first_browser, course, "ada@example.com")
        start_learner(second_browser, course, "ada@example.com")
        first_page = first_browser.get(page_path(course))
        second_page = second_browser.get(page_path(course))

    assert "Start the course" in first_page.text
    assert '<dd id="status">started</dd>' in second_page.text


def test_cookie_of_one_course_is_unknown_to_another(server: LiveServer, api: httpx.Client,
                                                    class_id: str,
                                                    course: dict[str, Any]) -> None:
    other_course = create_course(api, class_id, name="Other")
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        token = learner.cookies["ondemand_learner"]
    with browser(server) as learner:
        learner.cookies.set("ondemand_learner", token)
        own_course = learner.post(f"{page_path(course)}/heartbeat")
        response = learner.post(f"{page_path(other_course)}/heartbeat")

    assert own_course.status_code == 200

    assert response.status_code == 403


def test_finish_moves_started_enrollment_to_finished(server: LiveServer, api: httpx.Client,
                                                     course: dict[str, Any]) -> None:
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        server.clock.advance(days=1)
        finish_ms = server.clock.now_ms()
        response = learner.post(f"{page_path(course)}/finish")
        page = learner.get(page_path(course))
        after = heartbeat(learner, course["id"])

    assert response.status_code == 303
    enrollment = only_enrollment(api, course["id"])
    assert enrollment["status"] == "finished"
    assert enrollment["finished_at"] == timestamp(finish_ms)
    assert enrollment["enrollment_time_left"] == 0
    assert "You have finished this course." in page.text
    assert "I have finished the course" not in page.text
    assert after["status"] == "finished"


def test_page_shows_expiry_at_end_date(server: LiveServer, api: httpx.Client,
                                       course: dict[str, Any]) -> None:
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        start_ms = server.clock.now_ms()
        server.clock.advance(days=5)
        page = learner.get(page_path(course))

    assert '<dd id="status">expired</dd>' in page.text
    assert 'data-minutes="0">0 minutes</dd>' in page.text
    enrollment = only_enrollment(api, course["id"])
    assert enrollment["expired_at"] == timestamp(start_ms + 5 * DAY_MS)


def test_stylesheet_is_served(server: LiveServer) -> None:
    with browser(server) as learner:
        response = learner.get("/training/static/learner.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
