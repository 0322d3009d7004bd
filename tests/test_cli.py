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

from ondemand_courses.store.database import Database, migrate
from tests.conftest import free_port

ONDEMAND = [sys.executable, "-m", "ondemand_courses"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ONDEMAND, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, check=False)


def serve_until_healthy(database_url: str, port: int) -> tuple[str, str]:
    """Start ``ondemand serve``, wait until it answers, stop it; return stdout and stderr."""
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

    first_out, _ = serve_until_healthy(database_url, port)
    second_out, _ = serve_until_healthy(database_url, port)

    org_id = re.search(r"^ORG_ID=(\w{17})$", first_out, re.MULTILINE)
    api_key = re.search(r"^API_KEY=(odc_\S+)$", first_out, re.MULTILINE)
    assert org_id is not None
    assert api_key is not None
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
    assert result.stdout == "The database schema is at revision 0001.\n"
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
