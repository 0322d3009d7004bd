"""Rows as the services see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    id: str
    name: str
    api_key_hash: str
    created_at: int


@dataclass(frozen=True, slots=True)
class ClassRecord:
    id: str
    name: str
    description: str | None
    created_at: int


@dataclass(frozen=True, slots=True)
class CourseRecord:
    id: str
    class_id: str
    name: str
    external_id: str | None
    days_limit: int
    activity_hours_limit: int
    public_access_token: str
    status: str
