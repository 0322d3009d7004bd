"""The learner's journey in a real headless Chromium on a phone-sized screen.

Uses Debian's ``chromium`` (``scripts/test.sh`` installs it when it runs as root). Without
it the test skips, unless the environment variable CI is set, where it fails instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, failure
from tests.learners import create_course, only_enrollment

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the browser test must run")
    pytest.skip(reason)


@pytest.fixture
def chromium_page(tmp_path: Path) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        _missing_browser(f"{CHROMIUM} is missing: install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("the playwright package is missing: install the 'test' extra")
    with sync_playwright() as playwright:
        # A persistent context is how Playwright takes a fresh --user-data-dir.
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
            viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True,
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def test_learner_starts_course_in_browser(server: LiveServer, api: httpx.Client,
                                          class_id: str, chromium_page: Any,
                                          tmp_path: Path) -> None:
    course: dict[str, Any] = create_course(api, class_id, name="Elastic Stack for beginners",
                                           days_limit=5, activity_hours_limit=10)
    page = chromium_page
    page.clock.install()

    page.goto(course["course_link"])
    if os.environ.get("ONDEMAND_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["ONDEMAND_SCREENSHOT_DIR"],
                                          "learner-form.png"), full_page=True)
    page.fill("#email", "ada@example.com")
    page.fill("#access_token", course["public_access_token"])
    page.click("button[type=submit]")
    page.wait_for_selector("#status", timeout=5000)

    assert page.inner_text("#status") == "started"
    assert page.inner_text("#enrollment-time-left") == "5 days 0 hours 0 minutes"
    assert page.inner_text("#active-time-left") == "10 hours 0 minutes"
    screenshot = tmp_path / "learner-started.png"
    page.screenshot(path=str(screenshot), full_page=True)
    if os.environ.get("ONDEMAND_SCREENSHOT_DIR"):
        shutil.copy(screenshot, os.environ["ONDEMAND_SCREENSHOT_DIR"])

    # One heartbeat interval on both clocks: the page's script reports active time.
    server.clock.advance(minutes=1)
    page.clock.run_for(60_000)
    page.wait_for_function(
        "document.getElementById('active-time-left').textContent === '9 hours 59 minutes'")

    enrollment = only_enrollment(api, course["id"])
    assert enrollment["status"] == "started"
    assert enrollment["email"] == "ada@example.com"
    assert enrollment["active_time_left"] == 599
    rejected = api.delete(f"/ondemand/{course['id']}")
    assert rejected.status_code == 409
    assert failure(rejected)["type"] == "CourseHasRunningEnrollments"
