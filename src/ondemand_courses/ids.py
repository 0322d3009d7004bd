"""Random identifiers, access tokens and API keys, all from a cryptographic source."""

from __future__ import annotations

import hashlib
import secrets
import string

# The public id alphabet leaves out look-alike characters (0, 1, O, I, l, U, V).
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
ID_LENGTH = 17
ACCESS_TOKEN_LENGTH = 4

# Secret scanners match this prefix to find leaked keys.
API_KEY_PREFIX = "odc_"


def random_string(alphabet: str, length: int) -> str:
    """Return ``length`` characters drawn uniformly and independently from ``alphabet``.

    Each random byte below the largest multiple of the alphabet's size picks one character,
    and the other bytes are dropped, so that no character is more likely than another. One
    ``os.urandom`` call per string costs a tenth of one ``secrets.choice`` call per character.
    """
    size = len(alphabet)
    accepted_below = 256 - 256 % size
    characters: list[str] = []
    while len(characters) < length:
        for byte in secrets.token_bytes(2 * length):
            if byte < accepted_below:
                characters.append(alphabet[byte % size])
                if len(characters) == length:
                    break
    return "".join(characters)


def new_id() -> str:
    """Return a new 17-character id for an organization, class, course or enrollment."""
    return random_string(ID_ALPHABET, ID_LENGTH)


def is_well_formed_id(value: str) -> bool:
    return len(value) == ID_LENGTH and all(character in ID_ALPHABET for character in value)


def new_access_token() -> str:
    """Return a course's public access token: four random upper-case letters."""
    return random_string(string.ascii_uppercase, ACCESS_TOKEN_LENGTH)


def new_api_key() -> str:
    """Return a new API key: the prefix and 256 random bits, URL-safe base64."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(api_key: str) -> str:
    """Hash an API key for storage.

    A key carries 256 random bits, so one round of SHA-256 cannot be brute-forced and
    a slow password hash would only cost time on every request.
    """
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_learner_token() -> str:
    """Return the secret that a learner's browser keeps in a cookie: 256 random bits."""
    return secrets.token_urlsafe(32)


def hash_learner_token(token: str) -> str:
    """Hash a learner token for storage; like an API key, it is too random to brute-force."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
