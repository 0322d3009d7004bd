"""The ``ondemand`` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from ondemand_courses.clock import SystemClock
from ondemand_courses.services.organizations import OrganizationService
from ondemand_courses.store.database import Database, migrate
from tests import logcheck
from tests.conftest import free_port

ONDEMAND = [sys.executable, "-m", "ondemand_courses"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ONDEMAND, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, check=False)


def serve_until_healthy(database_url: str, port: int) -> tuple[str, str]:
    """Run ``ondemand serve`` until its health check succeeds, then stop it.

    Returns the server's stdout and stderr."""
    process = subprocess.Popen(
        [*ONDEMAND, "serve", "--port", str(port), "--database-url", database_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError("ondemand serve did not become healthy")
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    return stdout, stderr


def test_first_start_prints_credentials_once(database_url: str) -> None:
    port = free_port()

    first_out, first_log = serve_until_healthy(database_url, port)
    second_out, second_log = serve_until_healthy(database_url, port)

    org_id = re.search(r"^ORG_ID=(\w{17})$", first_out, re.MULTILINE)
    api_key = re.search(r"^API_KEY=(odc_\S+)$", first_out, re.MULTILINE)
    assert org_id is not None
    assert api_key is not None
    assert api_key[1] not in first_log + second_log
    assert f'curl -H "Authorization: Bearer {org_id[1]}:{api_key[1]}" ' in first_out
    assert "ORG_ID" not in second_out
    assert "API_KEY" not in second_out


def test_org_create_json_prints_one_object(database_url: str) -> None:
    result = run_cli("org", "create", "Acme Training", "--json",
                     env={"ONDEMAND_DATABASE_URL": database_url})

    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert set(created) == {"org_id", "api_key"}
    assert re.fullmatch(r"\w{17}", created["org_id"])
    assert created["api_key"].startswith("odc_")
    assert result.stdout.count("\n") == 1


def test_org_create_rejects_empty_name(tmp_path: Path) -> None:
    result = run_cli("org", "create", "  ", "--database-url", f"sqlite:///{tmp_path}/orgs.db")

    assert result.returncode == 2
    assert "must be 1 to 200 characters" in result.stderr


def test_serve_rejects_invalid_setting(tmp_path: Path) -> None:
    result = run_cli("serve", "--workers", "0",
                     env={"ONDEMAND_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})

    assert result.returncode == 2
    assert "ONDEMAND_WORKERS" in result.stderr


def test_db_upgrade_migrates_empty_database(database_url: str) -> None:
    result = run_cli("db", "upgrade", "--database-url", database_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "The database schema is at revision 0002.\n"
    database = Database(database_url)
    assert set(inspect(database.engine).get_table_names()) == {
        "alembic_version", "organizations", "classes", "courses", "enrollments",
    }
    database.dispose()


def test_serve_refuses_newer_schema(database_url: str) -> None:
    database = Database(database_url)
    migrate(database)
    with database.write() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    database.dispose()

    result = run_cli("serve", "--port", str(free_port()), "--database-url", database_url)

    assert result.returncode == 1
    assert result.stderr == (
        "Error: The database is at schema revision 9999, which this version of "
        "ondemand-courses does not know; upgrade the server.\n"
    )


def test_db_upgrade_reports_unreachable_database() -> None:
    closed_port = free_port()
    result = run_cli("db", "upgrade", "--database-url",
                     f"postgresql://ondemand:secret@127.0.0.1:{closed_port}/ondemand")

    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Error: Failed to open the database postgresql://ondemand:***@127.0.0.1:{closed_port}"
        "/ondemand: "
    )
    assert result.stderr.endswith("Check ONDEMAND_DATABASE_URL or --database-url.\n")
    assert "secret" not in result.stderr


@pytest.mark.parametrize("command", [["--help"], ["serve", "--help"], ["org", "--help"],
                                     ["db", "upgrade", "--help"]])
def test_help_lists_commands(command: list[str]) -> None:
    result = run_cli(*command)

    assert result.returncode == 0
    assert "Usage: python -m ondemand_courses" in result.stdout


def create_organization(database_url: str, name: str) -> dict[str, str]:
    result = run_cli("org", "create", name, "--json", "--database-url", database_url)
    assert result.returncode == 0, result.stderr
    created: dict[str, str] = json.loads(result.stdout)
    logcheck.record_secret(created["api_key"])
    return created


def authenticates(database_url: str, org_id: str, api_key: str) -> bool:
    database = Database(database_url)
    try:
        return OrganizationService(database, SystemClock()).authenticate(org_id, api_key)
    finally:
        database.dispose()


def test_rotate_key_revokes_old_key(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/orgs.db"
    created = create_organization(database_url, "Acme Training")

    result = run_cli("org", "rotate-key", created["org_id"], "--json",
                     "--database-url", database_url)

    assert result.returncode == 0, result.stderr
    rotated = json.loads(result.stdout)
    logcheck.record_secret(rotated["api_key"])
    assert rotated["org_id"] == created["org_id"]
    assert rotated["api_key"].startswith("odc_")
    assert rotated["api_key"] != created["api_key"]
    assert not authenticates(database_url, created["org_id"], created["api_key"])
    assert authenticates(database_url, created["org_id"], rotated["api_key"])


def test_rotate_key_of_unknown_organization_fails(tmp_path: Path) -> None:
    result = run_cli("org", "rotate-key", "hd3ALTaLAbhfzmBbf",
                     "--database-url", f"sqlite:///{tmp_path}/orgs.db")

    assert result.returncode == 1
    assert result.stderr == ("Error: No organization has the id 'hd3ALTaLAbhfzmBbf'; "
                             "`ondemand org list` shows them.\n")


def test_org_list_shows_no_keys(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/orgs.db"
    first = create_organization(database_url, "Acme Training")
    second = create_organization(database_url, "Beta Labs")

    listed = run_cli("org", "list", "--json", "--database-url", database_url)
    text = run_cli("org", "list", "--database-url", database_url)

    assert listed.returncode == 0, listed.stderr
    organizations = json.loads(listed.stdout)
    assert [(entry["id"], entry["name"]) for entry in organizations] == [
        (first["org_id"], "Acme Training"), (second["org_id"], "Beta Labs")]
    assert [set(entry) for entry in organizations] == [{"id", "name", "created_at"}] * 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                        organizations[0]["created_at"])
    assert text.stdout.splitlines() == [
        f"{entry['id']}  {entry['created_at']}  {entry['name']}" for entry in organizations]
    for output in (listed.stdout, text.stdout):
        assert "odc_" not in output
        assert first["api_key"] not in output


@pytest.mark.parametrize("url", ["mysql://user@host/db", "ondemand.db", "sqlite://",
                                 "sqlite:///:memory:"])
def test_invalid_database_url_is_one_line(url: str) -> None:
    result = run_cli("org", "list", "--database-url", url)

    assert result.returncode == 1
    assert result.stderr == (
        f"Error: Invalid database URL '{url}': use sqlite:///PATH or "
        "postgresql://USER@HOST/DB (ONDEMAND_DATABASE_URL or --database-url).\n"
    )
