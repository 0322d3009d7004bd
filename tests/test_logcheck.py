"""The log check of the test run finds what must never be logged."""

from __future__ import annotations

from tests.logcheck import find_leaks_in

KEY = "odc_IIXqMBd2DNKr5xhFQdGEbOshMBfnsgjLIeaNSWpMnoc"


def test_recorded_secret_is_found() -> None:
    assert find_leaks_in("ok\nsecret-value here", {"secret-value"}) == [
        "line 2: secret-v..."]


def test_key_shape_is_found_unrecorded() -> None:
    assert find_leaks_in(f'{{"message": "{KEY}"}}', set()) == ["line 1: odc_IIXq..."]


def test_email_shape_is_found() -> None:
    assert find_leaks_in("filter learner.one+x@example.co.uk", set()) == [
        "line 1: learner...."]


def test_clean_log_has_no_leaks() -> None:
    line = ('{"message": "request_id=8b2a97bac3311e07 org_id=qaAYYozhRvGkbFTof method=GET '
            'route=/api/v1/ondemand status=200 duration_ms=1.8"}')

    assert find_leaks_in(line, {KEY}) == []
