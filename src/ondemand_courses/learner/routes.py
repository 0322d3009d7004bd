"""``/training/ondemand/{course_id}``: the course link, where learners start and follow
their enrollment. HTML pages usable without JavaScript; a small script on the page
sends the heartbeats that count active time.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import orjson
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from ondemand_courses.api.context import call_service, get_services, public_base_url
from ondemand_courses.api.envelope import JSON_MEDIA_TYPE
from ondemand_courses.learner.limiter import WrongTokenLimiter
from ondemand_courses.learner.pages import LearnerPageError, format_minutes, render
from ondemand_courses.schemas import clean_email
from ondemand_courses.services.learners import (
    CourseOffline,
    LearnerService,
    StartedLearner,
    WrongAccessToken,
)
from ondemand_courses.services.lifecycle import HEARTBEAT_INTERVAL_MS, EnrollmentState
from ondemand_courses.store.records import CourseRecord

router = APIRouter(prefix="/training/ondemand/{course_id}", include_in_schema=False)

LEARNER_COOKIE = "ondemand_learner"
# The start form has two short fields; anything larger is not from it.
MAX_FORM_BYTES = 4096
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def course_path(course_id: str) -> str:
    return f"/training/ondemand/{course_id}"


@router.get("")
async def course_page(course_id: str, request: Request) -> Response:
    """Show the learner's enrollment if this browser is recognised, else the start form."""
    services = get_services(request)
    learners = services.learners
    course = await call_service(services, learners.find_course, course_id)

    learner_token = request.cookies.get(LEARNER_COOKIE)
    state = None
    if learner_token is not None:
        state = await call_service(services, learners.view, course_id, learner_token)

    if state is None:
        return render("course.html", course=course)
    return _enrollment_page(course, state)


@router.post("/start")
async def start(course_id: str, request: Request) -> Response:
    """Check email and access token, start the enrollment, and remember this browser."""
    _check_same_origin(request)
    limiter = _limiter(request)
    # NOTE: behind a reverse proxy this is the proxy's address, shared by all its learners.
    address = request.client.host if request.client else "unknown"
    services = get_services(request)
    learners = services.learners
    course = await call_service(services, learners.find_course, course_id)

    retry_after = limiter.retry_after_seconds(address)
    if retry_after is not None:
        message = (f"Too many wrong access tokens from your address. "
                   f"Try again in {format_minutes(-(-retry_after // 60))}.")
        return render("course.html", 429, headers={"Retry-After": str(retry_after)},
                      course=course, error=message)
    fields = await _read_form(request)
    email_typed = fields.get("email", "")
    try:
        email = clean_email(email_typed)
    except ValueError:
        return render("course.html", 422, course=course, email=email_typed,
                      error="Enter a valid email address, like name@example.com.")

    try:
        access_token = fields.get("access_token", "")
        started = await call_service(services, learners.start, course_id, email, access_token)
    except WrongAccessToken:
        limiter.record_wrong_token(address)
        return render("course.html", 403, course=course, email=email,
                      error="That access token is not right for this course. "
                            "Check the four letters you were given.")
    except CourseOffline:
        return render("course.html", 409, course=course, email=email,
                      error="This course is offline and accepts no new starts.")

    response = RedirectResponse(course_path(course_id), status_code=303)
    _set_learner_cookie(request, response, course_id, started)
    return response


@router.post("/heartbeat")
async def heartbeat(course_id: str, request: Request) -> Response:
    """Count active time while the learner's page is open and return the time left as JSON."""
    state = await _for_recognised_learner(request, course_id, LearnerService.heartbeat)

    body = {
        "status": state.record.status,
        "enrollment_time_left": state.enrollment_time_left,
        "active_time_left": state.active_time_left,
        "enrollment_time_left_text": format_minutes(state.enrollment_time_left),
        "active_time_left_text": format_minutes(state.active_time_left),
    }
    return Response(orjson.dumps(body), media_type=JSON_MEDIA_TYPE,
                    headers={"Cache-Control": "no-store"})


@router.post("/finish")
async def finish(course_id: str, request: Request) -> Response:
    """Mark the learner's started enrollment finished, then show the course page again."""
    await _for_recognised_learner(request, course_id, LearnerService.finish)
    return RedirectResponse(course_path(course_id), status_code=303)


async def _for_recognised_learner(
    request: Request, course_id: str,
    action: Callable[[LearnerService, str, str], EnrollmentState | None],
) -> EnrollmentState:
    """Apply ``action`` to the enrollment that this browser's learner cookie names.

    Raises the course's not-found page, or a 4xx page when the browser is not recognised.
    """
    _check_same_origin(request)
    services = get_services(request)
    learners = services.learners
    learner_token = request.cookies.get(LEARNER_COOKIE)
    state = None
    if learner_token is not None:
        state = await call_service(services, action, learners, course_id, learner_token)
    if state is None:
        await call_service(services, learners.find_course, course_id)
        raise _not_recognised()
    return state


def _enrollment_page(course: CourseRecord, state: EnrollmentState) -> Response:
    return render("enrollment.html", course=course, enrollment=state.record, state=state,
                  heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS,
                  heartbeat_url=f"{course_path(course.id)}/heartbeat")


def _not_recognised() -> LearnerPageError:
    return LearnerPageError(
        403, "Not signed in",
        "This browser is not signed in to an enrollment of this course. "
        "Open the course link and enter your email and access token.",
    )


def _set_learner_cookie(request: Request, response: Response, course_id: str,
                        started: StartedLearner) -> None:
    # Scoped to this course's pages; browsers keep a cookie at most 400 days.
    response.set_cookie(
        LEARNER_COOKIE, started.learner_token, path=course_path(course_id),
        max_age=400 * 24 * 3600, httponly=True, samesite="lax",
        secure=public_base_url(request).startswith("https://"),
    )


def _limiter(request: Request) -> WrongTokenLimiter:
    limiter: WrongTokenLimiter = request.app.state.learner_limiter
    return limiter


def _check_same_origin(request: Request) -> None:
    """Refuse a form or script post that a page on another site sent.

    Browsers send ``Origin`` with every POST; a request without it (curl, old browsers)
    passes, and the cookie's SameSite=Lax already keeps it off cross-site posts.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    own = f"{request.url.scheme}://{request.url.netloc}"
    # An Origin header carries no path, so a public URL with one is compared without it.
    public = urlsplit(public_base_url(request))
    if origin not in (own, f"{public.scheme}://{public.netloc}"):
        raise LearnerPageError(403, "Cross-site request rejected",
                               "This form was sent from another site. Open the course link "
                               "and send the form from there.")


async def _read_form(request: Request) -> dict[str, str]:
    """Read an url-encoded form body of at most ``MAX_FORM_BYTES``; first value per field."""
    content_type = request.headers.get("content-type", "")
    if content_type.partition(";")[0].strip().lower() != FORM_MEDIA_TYPE:
        raise LearnerPageError(415, "Unsupported form",
                               f"Send the form as {FORM_MEDIA_TYPE}, as the course page does.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise LearnerPageError(413, "Form too large",
                                   "The form is larger than the start form can be.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise LearnerPageError(400, "Unreadable form",
                               "The form is not valid UTF-8 text.") from None
    parsed = parse_qs(text, keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items()}

