"""Typed server settings, read from ``ONDEMAND_*`` environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the server can be configured with.

    Command-line flags of ``ondemand serve`` override the environment; the CLI passes
    them on to worker processes through the same ``ONDEMAND_*`` variables.
    """

    model_config = SettingsConfigDict(env_prefix="ONDEMAND_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///ondemand.db",
        description="SQLAlchemy-style URL: sqlite:///PATH or postgresql://USER@HOST/DB.",
    )
    public_url: str | None = Field(
        default=None,
        description="Base of each course_link; defaults to the address the request reached.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    rate_limit_per_minute: int = Field(default=0, ge=0, description="Requests per minute; 0 = off.")
    redis_url: str | None = Field(
        default=None,
        description="redis://HOST:PORT/DB: keep rate-limit counts in Redis, shared by servers.",
    )
    redis_key_prefix: str = Field(default="ondemand:ratelimit:",
                                  description="Prefix of every Redis key the server writes.")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1, description="Largest accepted body.")
    max_header_bytes: int = Field(default=16 * 1024, ge=1024,
                                  description="Largest request line plus headers, in bytes.")
    body_timeout_seconds: float = Field(
        default=30, gt=0,
        description="Maximum wait, in seconds, for the next part of a request body.")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["text", "json"] = "text"

    @field_validator("public_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _empty_redis_url_is_none(cls, value: str | None) -> str | None:
        return value or None

    def masked(self) -> dict[str, object]:
        """Return the settings for display, with the database password hidden."""
        shown = self.model_dump()
        shown["database_url"] = mask_url_password(self.database_url)
        if self.redis_url is not None:
            shown["redis_url"] = mask_url_password(self.redis_url)
        return shown


def mask_url_password(url: str) -> str:
    """Replace the password of a database URL with ``***``."""
    scheme, separator, rest = url.partition("://")
    if not separator or "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user, has_password, _ = credentials.partition(":")
    if not has_password:
        return url
    return f"{scheme}://{user}:***@{location}"
