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


def test_first_start_prints_credentials_once(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/first.db"
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


def test_org_create_json_prints_one_object(tmp_path: Path) -> None:
    result = run_cli("org", "create", "Acme Training", "--json",
                     env={"ONDEMAND_DATABASE_URL": f"sqlite:///{tmp_path}/orgs.db"})

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


@pytest.mark.parametrize("command", [["--help"], ["serve", "--help"], ["org", "--help"]])
def test_help_lists_commands(command: list[str]) -> None:
    result = run_cli(*command)

    assert result.returncode == 0
    assert "Usage: python -m ondemand_courses" in result.stdout
