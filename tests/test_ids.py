"""Random identifiers: format, and the mapping of random bytes to characters."""

from __future__ import annotations

import pytest

from ondemand_courses import ids


def test_new_id_uses_alphabet() -> None:
    new = ids.new_id()

    assert len(new) == ids.ID_LENGTH
    assert ids.is_well_formed_id(new)


def test_access_token_is_four_capitals() -> None:
    token = ids.new_access_token()

    assert len(token) == ids.ACCESS_TOKEN_LENGTH
    assert token.isascii()
    assert token.isupper()
    assert token.isalpha()


def test_random_string_drops_biased_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    # With 5 characters, 255 is the largest multiple of 5 below 256: byte 255 is dropped
    # and the others pick the character at their value modulo 5.
    batches = [bytes([255, 0, 9, 255, 7, 1]), bytes([4, 4, 4, 4, 4, 4])]
    monkeypatch.setattr(ids.secrets, "token_bytes", lambda _count: batches.pop(0))

    assert ids.random_string("abcde", 3) == "aec"
    assert batches == [bytes([4, 4, 4, 4, 4, 4])]


def test_random_string_draws_again_when_short(monkeypatch: pytest.MonkeyPatch) -> None:
    batches = [bytes([255, 1, 255, 255]), bytes([2, 255, 3, 4])]
    monkeypatch.setattr(ids.secrets, "token_bytes", lambda _count: batches.pop(0))

    assert ids.random_string("abcde", 2) == "bc"
    assert batches == []
