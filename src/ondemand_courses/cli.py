"""The ``ondemand`` command: run the server and manage organizations."""

from __future__ import annotations

import json
import os
from typing import Any

import click
import uvicorn
from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from ondemand_courses.clock import SystemClock, format_timestamp
from ondemand_courses.logs import configure_logging
from ondemand_courses.services.organizations import NewCredentials, OrganizationService
from ondemand_courses.settings import Settings, mask_url_password
from ondemand_courses.store.database import Database, SchemaTooNew, head_revision, migrate

FIRST_ORGANIZATION_NAME = "Default organization"


def _load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment, with command-line flags taking precedence.

    The flags are also written back to ``ONDEMAND_*`` variables, which is how worker
    processes of the ASGI server receive them.
    """
    flags_set = {name: value for name, value in overrides.items() if value is not None}
    for name, value in flags_set.items():
        os.environ[f"ONDEMAND_{name.upper()}"] = str(value)
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"ONDEMAND_{'_'.join(str(part) for part in item['loc']).upper()}: {item['msg']}"
            for item in error.errors()
        )
        raise click.UsageError(f"Invalid settings: {problems}") from None


def _open_database(settings: Settings) -> Database:
    try:
        database = Database(settings.database_url)
        migrate(database)
    except SchemaTooNew as error:
        raise click.ClickException(str(error)) from None
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError):
        raise click.ClickException(
            f"Invalid database URL '{mask_url_password(settings.database_url)}': use "
            "sqlite:///PATH or postgresql://USER@HOST/DB (ONDEMAND_DATABASE_URL or "
            "--database-url)."
        ) from None
    except OperationalError as error:
        shown_url = mask_url_password(settings.database_url)
        raise click.ClickException(
            f"Failed to open the database {shown_url}: {error.orig}\n"
            "Check ONDEMAND_DATABASE_URL or --database-url."
        ) from None
    return database


def _print_credentials(credentials: NewCredentials, base_url: str) -> None:
    click.echo(f"ORG_ID={credentials.org_id}")
    click.echo(f"API_KEY={credentials.api_key}")
    click.echo("The API key is shown only now; store it somewhere safe.")
    click.echo("Try it:")
    click.echo(
        f'  curl -H "Authorization: Bearer {credentials.org_id}:{credentials.api_key}" '
        f"{base_url}/api/v1/ondemand"
    )


@click.group()
@click.version_option(package_name="ondemand-courses")
def main() -> None:
    """On-Demand Courses API server."""


@main.command()
@click.option("--host", help="Address to listen on.  [env: ONDEMAND_HOST; default: 127.0.0.1]")
@click.option("--port", type=int, help="TCP port.  [env: ONDEMAND_PORT; default: 8000]")
@click.option("--workers", type=int,
              help="Number of worker processes.  [env: ONDEMAND_WORKERS; default: 1]")
@click.option("--database-url",
              help="sqlite:///PATH or postgresql://USER@HOST/DB.  "
                   "[env: ONDEMAND_DATABASE_URL; default: sqlite:///ondemand.db]")
@click.option("--public-url",
              help="Base URL of course links.  [env: ONDEMAND_PUBLIC_URL; "
                   "default: the address a request reached]")
@click.option("--rate-limit-per-minute", type=int,
              help="Requests per minute per organization or client address; 0 turns it off.  "
                   "[env: ONDEMAND_RATE_LIMIT_PER_MINUTE; default: 0]")
def serve(**flags: Any) -> None:
    """Run the API server, migrating the database first."""
    settings = _load_settings(**flags)
    configure_logging(settings.log_level, settings.log_format)
    database = _open_database(settings)
    organizations = OrganizationService(database, SystemClock())
    first = organizations.create_first(FIRST_ORGANIZATION_NAME)
    database.dispose()

    base_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    if first is not None:
        click.echo(f"Created the first organization, '{first.name}'.")
        _print_credentials(first, base_url)
    click.echo(f"Serving the On-Demand Courses API on http://{settings.host}:{settings.port}"
               f"/api/v1; course links start with {base_url}", err=True)
    # Imported here so that the organization commands start without loading the web stack.
    from ondemand_courses.app import server_options

    uvicorn.run(
        "ondemand_courses.app:create_served_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        **server_options(settings),
    )


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.option("--database-url", help="Overrides ONDEMAND_DATABASE_URL.")
def upgrade_database(database_url: str | None) -> None:
    """Apply the schema migrations that the database lacks, then exit.

    `ondemand serve` applies them as well when it starts; run this first to migrate
    once, before starting several servers against one database.
    """
    settings = _load_settings(database_url=database_url)
    database = _open_database(settings)
    database.dispose()
    click.echo(f"The database schema is at revision {head_revision()}.")


@main.group()
def org() -> None:
    """Manage organizations and their API keys."""


@org.command("create")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--database-url", help="Overrides ONDEMAND_DATABASE_URL.")
def create_organization(name: str, as_json: bool, database_url: str | None) -> None:
    """Create an organization NAME and print its ORG_ID and API key."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise click.BadParameter("must be 1 to 200 characters", param_hint="NAME")
    settings = _load_settings(database_url=database_url)
    database = _open_database(settings)
    credentials = OrganizationService(database, SystemClock()).create(name)
    database.dispose()
    if as_json:
        click.echo(json.dumps({"org_id": credentials.org_id, "api_key": credentials.api_key}))
        return
    base_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    click.echo(f"Created organization '{credentials.name}'.")
    _print_credentials(credentials, base_url)


@org.command("rotate-key")
@click.argument("org_id")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--database-url", help="Overrides ONDEMAND_DATABASE_URL.")
def rotate_key(org_id: str, as_json: bool, database_url: str | None) -> None:
    """Give organization ORG_ID a new API key; the old key stops working within a second."""
    settings = _load_settings(database_url=database_url)
    database = _open_database(settings)
    credentials = OrganizationService(database, SystemClock()).rotate_key(org_id)
    database.dispose()
    if credentials is None:
        raise click.ClickException(
            f"No organization has the id '{org_id}'; `ondemand org list` shows them.")
    if as_json:
        click.echo(json.dumps({"org_id": credentials.org_id, "api_key": credentials.api_key}))
        return
    base_url = settings.public_url or f"http://{settings.host}:{settings.port}"
    click.echo(f"Rotated the API key of organization '{credentials.name}'; running servers "
               "reject the old key within one second.")
    _print_credentials(credentials, base_url)


@org.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@click.option("--database-url", help="Overrides ONDEMAND_DATABASE_URL.")
def list_organizations(as_json: bool, database_url: str | None) -> None:
    """List organizations, oldest first: id, creation time and name (never keys)."""
    settings = _load_settings(database_url=database_url)
    database = _open_database(settings)
    organizations = OrganizationService(database, SystemClock()).list()
    database.dispose()
    shown = [
        {"id": organization.id, "name": organization.name,
         "created_at": format_timestamp(organization.created_at)}
        for organization in organizations
    ]
    if as_json:
        click.echo(json.dumps(shown))
        return
    for entry in shown:
        click.echo(f"{entry['id']}  {entry['created_at']}  {entry['name']}")


if __name__ == "__main__":
    main()
