"""Measure one ``ondemand serve`` worker under concurrent clients, and during a lock wait.

Usage: .venv/bin/python scripts/bench_workers.py DATABASE_URL [--workers N] [--clients C]
       [--seconds S]

It starts ``ondemand serve`` on a free port of 127.0.0.1 against DATABASE_URL (use an
empty database or schema: it creates an organization, a class and courses there), then

1. runs C client threads for S seconds, each looping over GET, POST and PATCH of a
   course, and prints requests per second and latency percentiles;
2. holds a row lock on one course from a separate connection for one second, sends a
   PATCH of that course (which must wait for the lock), and meanwhile times
   ``GET /api/v1/health`` requests to the same server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import text

# The repository root, for ``tests.served``; ondemand_courses comes from the install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.served import create_organization, serve

from ondemand_courses.store.database import Database

ClientFactory = Callable[[], httpx.Client]

LOCK_HOLD_SECONDS = 1.0
HEALTH_TIMEOUT_SECONDS = 5.0


def course_body(class_id: str, name: str) -> dict[str, object]:
    return {"name": name, "class_id": class_id, "days_limit": 5,
            "activity_hours_limit": 10, "status": "online"}


def run_load(client_factory: ClientFactory, class_id: str, clients: int, seconds: float) -> None:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(index: int) -> None:
        with client_factory() as client:
            created = client.post("/ondemand", json=course_body(class_id, f"Load {index}"))
            course_id = created.json()["data"]["id"]
            step = 0
            while time.monotonic() < deadline:
                step += 1
                requests: list[tuple[str, str, object]] = [
                    ("GET", f"/ondemand/{course_id}", None),
                    ("POST", "/ondemand", course_body(class_id, f"Load {index}-{step}")),
                    ("PATCH", f"/ondemand/{course_id}", {"name": f"Renamed {step}"}),
                ]
                for method, path, body in requests:
                    started = time.perf_counter()
                    response = client.request(method, path, json=body)
                    elapsed = time.perf_counter() - started
                    if response.status_code != 200:
                        raise RuntimeError(f"{response.status_code} {response.text}")
                    with lock:
                        latencies.append(elapsed)

    threads = [threading.Thread(target=loop, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    percentile = statistics.quantiles(latencies, n=100)
    print(f"load: {len(latencies) / seconds:.0f} requests/s with {clients} clients; "
          f"latency p50 {percentile[49] * 1000:.1f} ms, p99 {percentile[98] * 1000:.1f} ms")


def probe_lock_wait(database_url: str, client_factory: ClientFactory, class_id: str,
                    health_url: str) -> None:
    with client_factory() as client:
        course_id = client.post("/ondemand", json=course_body(class_id, "Locked")).json()[
            "data"]["id"]
    database = Database(database_url)
    patch_done = threading.Event()

    def patch() -> None:
        with client_factory() as client:
            client.patch(f"/ondemand/{course_id}", json={"name": "Waited"})
        patch_done.set()

    health_latencies: list[float] = []
    with database.write() as holder:
        holder.execute(text("SELECT 1 FROM courses WHERE id = :id FOR UPDATE"),
                       {"id": course_id})
        threading.Thread(target=patch).start()
        time.sleep(0.1)
        deadline = time.monotonic() + LOCK_HOLD_SECONDS
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                httpx.get(health_url, timeout=HEALTH_TIMEOUT_SECONDS)
            except httpx.TimeoutException:
                # The worker is stuck until the lock is released, which is after this loop.
                print(f"lock wait: GET /health timed out after {HEALTH_TIMEOUT_SECONDS:.0f} s "
                      "while one PATCH waited for a row lock")
                break
            health_latencies.append(time.perf_counter() - started)
            time.sleep(0.05)
    patch_done.wait(timeout=30)
    database.dispose()
    if not health_latencies:
        return
    print(f"lock wait: {len(health_latencies)} health checks while one PATCH waited "
          f"{LOCK_HOLD_SECONDS:.0f} s for a row lock; slowest "
          f"{max(health_latencies) * 1000:.0f} ms, median "
          f"{statistics.median(health_latencies) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    arguments = parser.parse_args()

    organization = create_organization(arguments.database_url)
    log_path = Path("bench-serve.log")
    with serve(arguments.database_url, log_path, workers=arguments.workers) as served:
        def client_factory() -> httpx.Client:
            return served.client(organization)

        with client_factory() as client:
            class_id = client.post("/classes", json={"name": "Lab"}).json()["data"]["id"]
        run_load(client_factory, class_id, arguments.clients, arguments.seconds)
        if not arguments.database_url.startswith("sqlite"):
            probe_lock_wait(arguments.database_url, client_factory, class_id,
                            f"{served.url}/api/v1/health")
    log_path.unlink()


if __name__ == "__main__":
    main()
