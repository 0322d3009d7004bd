"""Measure `ondemand serve` against nginx serving the same response bytes on this machine.

Run it through ``bash bench/run.sh``, which installs nginx and wrk when they are missing.
Everything listens on 127.0.0.1 only, and every run is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert

from ondemand_courses import ids
from ondemand_courses.clock import SystemClock
from ondemand_courses.services.organizations import OrganizationService
from ondemand_courses.store.database import Database, migrate
from ondemand_courses.store.tables import classes, courses, enrollments

BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "wrk.lua"
HOST = "127.0.0.1"
CONNECTIONS = 50
MIB = 1024 * 1024


@dataclass(frozen=True)
class Mode:
    name: str
    seconds: int  # length of one wrk run
    repeats: int  # runs per figure; the table shows medians


QUICK = Mode("quick", seconds=3, repeats=3)
FULL = Mode("full", seconds=10, repeats=5)


# ----------------------------------------------------------------------------- data set

@dataclass
class Organization:
    org_id: str
    api_key: str
    class_id: str
    course_ids: list[str] = field(default_factory=list)

    @property
    def authorization(self) -> str:
        return f"Bearer {self.org_id}:{self.api_key}"


@dataclass
class DataSet:
    small: Organization  # 1,000 courses
    large: Organization  # 100,000 courses
    writer: Organization  # one class, courses created by the POST runs
    full_course_id: str  # a course of `writer` with 100,000 enrollments
    empty_course_id: str  # a course of `writer` with none


def _course_rows(org_id: str, class_id: str, count: int, now_ms: int) -> list[dict[str, object]]:
    statuses = ("online", "offline")
    return [
        {
            "id": ids.new_id(), "org_id": org_id, "class_id": class_id,
            "name": f"Elastic Stack for beginners, cohort {number}",
            "external_id": f"course-{number}" if number % 3 else None,
            "days_limit": 5 + number % 25, "activity_hours_limit": 10 + number % 40,
            "public_access_token": ids.new_access_token(), "status": statuses[number % 7 == 0],
            "created_at": now_ms + number, "updated_at": now_ms + number,
        }
        for number in range(count)
    ]


def _new_organization(database: Database, name: str, course_count: int) -> Organization:
    credentials = OrganizationService(database, SystemClock()).create(name)
    class_id = ids.new_id()
    now_ms = SystemClock().now_ms()
    rows = _course_rows(credentials.org_id, class_id, course_count, now_ms)
    with database.write() as connection:
        connection.execute(insert(classes).values(
            id=class_id, org_id=credentials.org_id, name="Elastic Stack lab",
            description="Three nodes and Kibana", created_at=now_ms,
        ))
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(courses), rows[start:start + 10_000])
    return Organization(credentials.org_id, credentials.api_key, class_id,
                        [row["id"] for row in rows])  # type: ignore[misc]


def seed(database_url: str) -> DataSet:
    database = Database(database_url)
    migrate(database)
    small = _new_organization(database, "Benchmark: 1,000 courses", 1_000)
    large = _new_organization(database, "Benchmark: 100,000 courses", 100_000)
    writer = _new_organization(database, "Benchmark: writes", 2)
    full_course_id, empty_course_id = writer.course_ids
    now_ms = SystemClock().now_ms()
    enrollment_rows = [
        {
            "id": ids.new_id(), "org_id": writer.org_id, "course_id": full_course_id,
            "email": f"Learner.{number}@example.com", "email_key": f"learner.{number}@example.com",
            "status": "enrolled", "enrolled_at": now_ms + number,
        }
        for number in range(100_000)
    ]
    with database.write() as connection:
        for start in range(0, len(enrollment_rows), 10_000):
            connection.execute(insert(enrollments), enrollment_rows[start:start + 10_000])
    database.dispose()
    return DataSet(small, large, writer, full_course_id, empty_course_id)


# ----------------------------------------------------------------------------- processes

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on {HOST}:{port} within {seconds} s")


@contextmanager
def running(command: list[str], port: int, log_path: Path,
            env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server in its own process group and stop the whole group afterwards."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, env=env,
                                   start_new_session=True)
    try:
        wait_for_port(port, process, seconds=30)
        yield process
    finally:
        with _ignore_missing_process():
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with _ignore_missing_process():
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _ignore_missing_process() -> suppress:
    return suppress(ProcessLookupError)


def _group_processes(group_id: int) -> Iterator[tuple[Path, list[str]]]:
    """Yield each process of the group with the fields of its /proc stat after the name."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # The command name is in parentheses and may contain spaces.
        fields = stat.rpartition(")")[2].split()
        if int(fields[2]) == group_id:
            yield Path(entry.path), fields


def process_group_cpu_seconds(group_id: int) -> float:
    """Sum the user and system CPU time of every process in the group."""
    ticks = sum(int(fields[11]) + int(fields[12]) for _, fields in _group_processes(group_id))
    return ticks / os.sysconf("SC_CLK_TCK")


def process_group_rss_bytes(group_id: int) -> int:
    """Sum the resident memory of every process in the group (the server and its workers)."""
    total = 0
    for path, _ in _group_processes(group_id):
        try:
            status = (path / "status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class PeakMemory:
    """Sample a process group's summed RSS every 10 ms in a thread and keep the peak."""

    def __init__(self, group_id: int) -> None:
        self.group_id = group_id
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, process_group_rss_bytes(self.group_id))
            self._stop.wait(0.01)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# ----------------------------------------------------------------------------- HTTP

def fetch(port: int, method: str, path: str, authorization: str | None = None,
          body: bytes | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if authorization:
        headers["Authorization"] = authorization
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def time_to_last_byte(port: int, path: str, authorization: str | None) -> float:
    started = time.perf_counter()
    status, _ = fetch(port, "GET", path, authorization)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"GET {path} returned status {status}")
    return elapsed


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p99_ms: float
    cpu_seconds: float | None  # the measured server's CPU time during the run

    @property
    def cpu_us_per_request(self) -> float:
        return (self.cpu_seconds or 0) * 1e6 / max(self.requests, 1)

    @property
    def rate(self) -> float:
        return (self.requests - self.non_2xx) / self.seconds


def wrk(port: int, path: str, seconds: int, *, authorization: str | None = None,
        method: str = "GET", body: str | None = None,
        email_prefix: str | None = None, server_group: int | None = None) -> WrkResult:
    env = dict(os.environ, BENCH_METHOD=method)
    for name, value in (("BENCH_AUTHORIZATION", authorization), ("BENCH_BODY", body),
                        ("BENCH_EMAIL_PREFIX", email_prefix)):
        if value is not None:
            env[name] = value
    command = ["wrk", "--threads", "1", "--connections", str(CONNECTIONS),
               "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(WRK_SCRIPT),
               f"http://{HOST}:{port}{path}"]
    cpu_before = None if server_group is None else process_group_cpu_seconds(server_group)
    completed = subprocess.run(command, env=env, capture_output=True, text=True,
                               timeout=seconds + 60, check=True)
    cpu_seconds = (None if server_group is None or cpu_before is None
                   else process_group_cpu_seconds(server_group) - cpu_before)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line.removeprefix("BENCH_RESULT "))
            errors = data["connect_errors"] + data["read_errors"] + data["write_errors"]
            return WrkResult(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                             non_2xx=data["status_errors"], socket_errors=errors + data["timeouts"],
                             p99_ms=data["p99_us"] / 1000, cpu_seconds=cpu_seconds)
    raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")


# ----------------------------------------------------------------------------- nginx

NGINX_CONFIG = """\
daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {{
        listen {host}:{port};
        root {root}/html;
        default_type "application/json; charset=utf-8";
        location / {{ try_files $uri =404; }}
    }}
}}
"""


def write_nginx_site(root: Path, port: int, files: dict[str, bytes]) -> Path:
    (root / "html").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / "html" / name).write_bytes(content)
    config = root / "nginx.conf"
    config.write_text(NGINX_CONFIG.format(root=root, host=HOST, port=port))
    return config


# ----------------------------------------------------------------------------- rows

@dataclass
class Row:
    workload: str
    figure: str
    goal: str
    passed: bool | None  # None: not measured

    def __post_init__(self) -> None:
        print(f"  {self.workload}: {self.figure}", file=sys.stderr, flush=True)

    def cells(self) -> list[str]:
        verdict = {True: "pass", False: "MISS", None: "-"}[self.passed]
        return [self.workload, self.figure, self.goal, verdict]


def median(values: list[float]) -> float:
    return statistics.median(values)


def paired_runs(mode: Mode, server: Callable[[], WrkResult],
                ceiling: Callable[[], WrkResult]) -> tuple[list[WrkResult], list[WrkResult]]:
    """Alternate server and nginx runs, so that a noisy moment hits both sides alike."""
    server_results, ceiling_results = [], []
    for _ in range(mode.repeats):
        server_results.append(server())
        ceiling_results.append(ceiling())
    for result in server_results + ceiling_results:
        if result.non_2xx or result.socket_errors:
            raise RuntimeError(f"a run had {result.non_2xx} non-2xx responses and "
                               f"{result.socket_errors} socket errors")
    return server_results, ceiling_results


def ratios(server: list[WrkResult], ceiling: list[WrkResult]) -> list[float]:
    return [mine.rate / theirs.rate for mine, theirs in zip(server, ceiling, strict=True)]


def sqlite_commit_ceiling(directory: Path, seconds: float) -> float:
    """Commits per second of a plain loop of one-row inserts, WAL with synchronous=FULL."""
    connection = sqlite3.connect(directory / "commit-loop.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY, value TEXT NOT NULL)")
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO rows (value) VALUES (?)", ("x" * 200,))
        connection.execute("COMMIT")
        count += 1
    elapsed = time.perf_counter() - started
    connection.close()
    return count / elapsed


def count_rows(database_path: Path, query: str, *parameters: object) -> int:
    connection = sqlite3.connect(database_path)
    try:
        value: int = connection.execute(query, parameters).fetchone()[0]
        return value
    finally:
        connection.close()


def run(mode: Mode, workdir: Path, ondemand: str) -> list[Row]:
    database_path = workdir / "bench.db"
    started = time.perf_counter()
    data = seed(f"sqlite:///{database_path}")
    print(f"seeded 101,002 courses and 100,000 enrollments in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)

    port = free_port()
    env = dict(os.environ, ONDEMAND_LOG_LEVEL=os.environ.get("ONDEMAND_LOG_LEVEL", "info"))
    server_command = [ondemand, "serve", "--host", HOST, "--port", str(port), "--workers", "2",
                      "--database-url", f"sqlite:///{database_path}",
                      "--rate-limit-per-minute", "0"]
    rows: list[Row] = []
    with running(server_command, port, workdir / "server.log", env) as server:
        course_path = f"/api/v1/ondemand/{data.small.course_ids[500]}"
        list_path = "/api/v1/ondemand"
        bodies: dict[str, bytes] = {}
        for name, path, organization in (("course.json", course_path, data.small),
                                         ("list-1000.json", list_path, data.small),
                                         ("list-100000.json", list_path, data.large)):
            status, body = fetch(port, "GET", path, organization.authorization)
            if status != 200:
                raise RuntimeError(f"GET {path} returned status {status}: {body[:200]!r}")
            bodies[name] = body

        nginx_port = free_port()
        nginx_config = write_nginx_site(workdir / "nginx", nginx_port, bodies)
        nginx_command = ["nginx", "-c", str(nginx_config), "-p", str(workdir / "nginx")]
        with running(nginx_command, nginx_port, workdir / "nginx.log"):
            for name, expected in bodies.items():
                status, served = fetch(nginx_port, "GET", f"/{name}")
                if status != 200 or served != expected:
                    raise RuntimeError(f"nginx does not serve the server's bytes of {name}")

            rows += _course_rows_table(mode, port, nginx_port, course_path, data, server.pid)
            rows += _list_rows(mode, port, nginx_port, list_path, data, server.pid)

        rows += _create_rows(mode, port, workdir, database_path, data, server.pid)
    return rows


def _ratio_figure(mine: list[WrkResult], nginx: list[WrkResult]) -> tuple[float, str]:
    """Return the median ratio to nginx and the table's figure for a pair of run lists."""
    ratio = median(ratios(mine, nginx))
    rate = median([result.rate for result in mine])
    nginx_rate = median([result.rate for result in nginx])
    cpu = median([result.cpu_us_per_request for result in mine])
    return ratio, (f"{rate:,.0f}/s vs nginx {nginx_rate:,.0f}/s: ratio {ratio:.3f}; "
                   f"server CPU {cpu:,.0f} us/request")


def _course_rows_table(mode: Mode, port: int, nginx_port: int, course_path: str,
                       data: DataSet, server_group: int) -> list[Row]:
    authorization = data.small.authorization
    mine, nginx = paired_runs(
        mode,
        lambda: wrk(port, course_path, mode.seconds, authorization=authorization,
                    server_group=server_group),
        lambda: wrk(nginx_port, "/course.json", mode.seconds),
    )
    ratio, figure = _ratio_figure(mine, nginx)
    p99 = median([result.p99_ms for result in mine])
    return [
        Row("GET /ondemand/:id, 50 connections", figure, "ratio >= 0.25", ratio >= 0.25),
        Row("GET /ondemand/:id, 50 connections", f"p99 {p99:.1f} ms", "p99 <= 20 ms",
            p99 <= 20),
    ]


def _list_rows(mode: Mode, port: int, nginx_port: int, list_path: str, data: DataSet,
               server_group: int) -> list[Row]:
    authorization = data.small.authorization
    mine, nginx = paired_runs(
        mode,
        lambda: wrk(port, list_path, mode.seconds, authorization=authorization,
                    server_group=server_group),
        lambda: wrk(nginx_port, "/list-1000.json", mode.seconds),
    )
    ratio, figure = _ratio_figure(mine, nginx)
    rows = [Row("GET /ondemand, 1,000 courses", figure, "ratio >= 0.15", ratio >= 0.15)]

    # Sequential requests, so that each time is one request's alone.
    time.sleep(1)
    idle = process_group_rss_bytes(server_group)
    large = data.large.authorization
    repeats = max(mode.repeats, 4)  # at least twice per worker
    with PeakMemory(server_group) as memory:
        seconds = [time_to_last_byte(port, list_path, large) for _ in range(repeats)]
    nginx_seconds = [time_to_last_byte(nginx_port, "/list-100000.json", None)
                     for _ in range(repeats)]
    last_byte = median(seconds)
    growth = (memory.peak - idle) / MIB
    rows.append(Row("GET /ondemand, 100,000 courses",
                    f"last byte {last_byte:.2f} s (nginx {median(nginx_seconds) * 1000:.0f} ms)",
                    "<= 2 s", last_byte <= 2))
    rows.append(Row("GET /ondemand, 100,000 courses",
                    f"memory +{growth:.1f} MiB over idle {idle / MIB:.0f} MiB",
                    "< 50 MiB", growth < 50))
    return rows


def _create_rows(mode: Mode, port: int, workdir: Path, database_path: Path,
                 data: DataSet, server_group: int) -> list[Row]:
    writer = data.writer
    course_body = json.dumps({
        "name": "Elastic Stack for beginners", "class_id": writer.class_id, "days_limit": 5,
        "activity_hours_limit": 10, "status": "online", "external_id": "course1",
    })
    ceiling = median([sqlite_commit_ceiling(workdir, min(mode.seconds, 3))
                      for _ in range(mode.repeats)])
    before = count_rows(database_path, "SELECT count(*) FROM courses WHERE org_id = ?",
                        writer.org_id)
    results = [wrk(port, "/api/v1/ondemand", mode.seconds, authorization=writer.authorization,
                   method="POST", body=course_body, server_group=server_group)
               for _ in range(mode.repeats)]
    _check_clean(results)
    stored = count_rows(database_path, "SELECT count(*) FROM courses WHERE org_id = ?",
                        writer.org_id) - before
    acknowledged = sum(result.requests for result in results)
    if stored < acknowledged:
        raise RuntimeError(f"{acknowledged} creates were acknowledged but {stored} are stored")
    rate = median([result.rate for result in results])
    rows = [Row("POST /ondemand",
                f"{rate:,.0f}/s (plain commit loop {ceiling:,.0f}/s); server CPU "
                f"{median([r.cpu_us_per_request for r in results]):,.0f} us/request",
                ">= 1,500/s",
                rate >= 1500)]
    rows.append(_enrollment_row(mode, port, data))
    return rows


def _check_clean(results: list[WrkResult]) -> None:
    for result in results:
        if result.non_2xx or result.socket_errors:
            raise RuntimeError(f"a run had {result.non_2xx} non-2xx responses and "
                               f"{result.socket_errors} socket errors")


def _enrollment_row(mode: Mode, port: int, data: DataSet) -> Row:
    workload = "POST .../enrollments, course with 100,000"
    authorization = data.writer.authorization
    empty_path = f"/api/v1/ondemand/{data.empty_course_id}/enrollments"
    full_path = f"/api/v1/ondemand/{data.full_course_id}/enrollments"
    status, body = fetch(port, "POST", empty_path, authorization,
                         b'{"email": "probe@example.com"}')
    if status in (404, 405):
        return Row(workload, "not available (endpoint missing)", "within 20% of empty course",
                   None)
    if status != 200:
        raise RuntimeError(f"POST {empty_path} returned status {status}: {body[:200]!r}")
    empty, full = [], []
    for repeat in range(mode.repeats):
        empty.append(wrk(port, empty_path, mode.seconds, authorization=authorization,
                         method="POST", email_prefix=f"empty{repeat}"))
        full.append(wrk(port, full_path, mode.seconds, authorization=authorization,
                        method="POST", email_prefix=f"full{repeat}"))
    _check_clean(empty + full)
    ratio = median([mine.rate / theirs.rate for mine, theirs in zip(full, empty, strict=True)])
    return Row(workload,
               f"{median([r.rate for r in full]):,.0f}/s vs empty course "
               f"{median([r.rate for r in empty]):,.0f}/s: ratio {ratio:.2f}",
               "ratio >= 0.80", ratio >= 0.8)


# ----------------------------------------------------------------------------- output

def print_table(rows: list[Row], mode: Mode) -> None:
    header = ["workload", "figure (median)", "goal", "result"]
    lines = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    print(f"\nmode {mode.name}: {mode.repeats} runs of {mode.seconds} s each, "
          f"{CONNECTIONS} connections, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for number, line in enumerate(lines):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths,
                                                                     strict=True)) + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("quick", "full"), default="quick",
                        help="quick: 3 runs of 3 s per figure; full: 5 runs of 10 s")
    parser.add_argument("--keep", action="store_true",
                        help="keep the working folder (database, logs, nginx files)")
    arguments = parser.parse_args()
    mode = QUICK if arguments.mode == "quick" else FULL

    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: run bench/run.sh, which installs it", file=sys.stderr)
            return 2
    ondemand = str(Path(sys.executable).with_name("ondemand"))
    workdir = Path(tempfile.mkdtemp(prefix="ondemand-bench-"))
    workdir.chmod(0o755)  # nginx's worker processes run as an unprivileged user
    try:
        rows = run(mode, workdir, ondemand)
    finally:
        if arguments.keep:
            print(f"working folder kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(rows, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
