"""Organizations and their API keys."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from ondemand_courses import ids
from ondemand_courses.clock import Clock
from ondemand_courses.store import organizations as store
from ondemand_courses.store.database import Database
from ondemand_courses.store.records import OrganizationRecord

# Compared against when the organization does not exist, so that an unknown id costs the
# same time as a wrong key.
_ABSENT_KEY_HASH = ids.hash_api_key("no organization has this key")

# How long a verified (organization, key) pair is trusted without reading the database, so
# that a key rotated or revoked by another process stops working within this time.
VERIFIED_KEY_SECONDS = 1.0
# Bounds the cache of verified keys; past this many entries it starts over.
MAX_VERIFIED_KEYS = 10_000


@dataclass(frozen=True)
class NewCredentials:
    org_id: str
    name: str
    api_key: str


class OrganizationService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock
        # (org_id, key hash) -> time.monotonic() when the database confirmed the pair.
        self._verified: dict[tuple[str, str], float] = {}

    def create(self, name: str) -> NewCredentials:
        """Create an organization; its API key is returned here and never again."""
        api_key = ids.new_api_key()
        record = OrganizationRecord(
            id=ids.new_id(), name=name, api_key_hash=ids.hash_api_key(api_key),
            created_at=self._clock.now_ms(),
        )
        with self._database.write() as connection:
            store.insert_organization(connection, record)
        return NewCredentials(org_id=record.id, name=name, api_key=api_key)

    def create_first(self, name: str) -> NewCredentials | None:
        """Create an organization only if the database has none yet."""
        api_key = ids.new_api_key()
        record = OrganizationRecord(
            id=ids.new_id(), name=name, api_key_hash=ids.hash_api_key(api_key),
            created_at=self._clock.now_ms(),
        )
        with self._database.write() as connection:
            # Servers started together on an empty database create one organization.
            store.lock_organizations(connection)
            if store.count_organizations(connection) > 0:
                return None
            store.insert_organization(connection, record)
        return NewCredentials(org_id=record.id, name=name, api_key=api_key)

    def list(self) -> list[OrganizationRecord]:
        with self._database.read() as connection:
            return store.list_organizations(connection)

    def rotate_key(self, org_id: str) -> NewCredentials | None:
        """Replace the organization's API key; the old key stops working at once."""
        api_key = ids.new_api_key()
        with self._database.write() as connection:
            organization = store.find_organization(connection, org_id)
            if organization is None:
                return None
            store.set_api_key_hash(connection, org_id, ids.hash_api_key(api_key))
        self._forget_verified(org_id)
        return NewCredentials(org_id=org_id, name=organization.name, api_key=api_key)

    def authenticate(self, org_id: str, api_key: str) -> bool:
        """Check the credentials in time that does not depend on which half is wrong.

        A pair that the database confirmed less than ``VERIFIED_KEY_SECONDS`` ago is
        accepted without reading it again; wrong credentials are always checked there.
        """
        key_hash = ids.hash_api_key(api_key)
        verified_at = self._verified.get((org_id, key_hash))
        if verified_at is not None and time.monotonic() - verified_at < VERIFIED_KEY_SECONDS:
            return True

        with self._database.read() as connection:
            organization = store.find_organization(connection, org_id)
        stored_hash = _ABSENT_KEY_HASH if organization is None else organization.api_key_hash
        matches = hmac.compare_digest(stored_hash, key_hash) and organization is not None
        if matches:
            if len(self._verified) >= MAX_VERIFIED_KEYS:
                self._verified.clear()
            self._verified[(org_id, key_hash)] = time.monotonic()
        return matches

    def _forget_verified(self, org_id: str) -> None:
        for pair in list(self._verified):
            if pair[0] == org_id:
                self._verified.pop(pair, None)
