"""Organizations and their API keys."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from ondemand_courses import ids
from ondemand_courses.clock import Clock
from ondemand_courses.store import organizations as store
from ondemand_courses.store.database import Database
from ondemand_courses.store.records import OrganizationRecord

# Compared against when the organization does not exist, so that an unknown id costs the
# same time as a wrong key.
_ABSENT_KEY_HASH = ids.hash_api_key("no organization has this key")


@dataclass(frozen=True)
class NewCredentials:
    org_id: str
    name: str
    api_key: str


class OrganizationService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

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
        return NewCredentials(org_id=org_id, name=organization.name, api_key=api_key)

    def authenticate(self, org_id: str, api_key: str) -> bool:
        """Check the credentials in time that does not depend on which half is wrong."""
        with self._database.read() as connection:
            organization = store.find_organization(connection, org_id)
        stored_hash = _ABSENT_KEY_HASH if organization is None else organization.api_key_hash
        matches = hmac.compare_digest(stored_hash, ids.hash_api_key(api_key))
        return matches and organization is not None
