"""Load benchmark for `newsbrief serve` (not a test): requests/s and p50/p99 latency, loopback.

The server runs in a subprocess on 127.0.0.1 with a fresh store in a temporary folder; this
process drives it with an async httpx client, `--concurrency` requests in flight, for at most
`--duration` seconds and `--max-requests` requests per target. Targets:

- card:  GET /articles/ID, the seed's story card, a page the server caches once rendered;
- story: GET /stories/ID, the seed's story page (merged timeline, quotes...), cached likewise;
- brief: POST /api/brief with the seed's text (ingest + brief on every request).

Run it from the repository root; results go in docs/SERVE.md:

    python bench/bench_serve.py                     # 10 s per target, 8 in flight, a table
    python bench/bench_serve.py --duration 3 --json # a quick run, one JSON row per target
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from newsbrief.datasets import shared_dir

SEED = shared_dir() / "seeds" / "000_7b21f39052bb84c7.txt"
START_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Row:
    """One target's result."""

    target: str
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    method: str
    path: str
    body: dict[str, str] | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """`newsbrief serve` in a child process, quiet, on loopback only."""
    command = [sys.executable, "-c", "from newsbrief.cli_serve import serve; serve()",
               "--host", "127.0.0.1", "--port", str(port), "--db", str(db)]
    env = {**os.environ, "NEWSBRIEF_TOKEN": ""}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {START_TIMEOUT:g}s")


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank: simple, and exact for the counts we have."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]


async def drive(base: str, target: Target, *, duration: float, concurrency: int,
                max_requests: int) -> Row:
    """Keep `concurrency` requests in flight until the time or the request budget runs out."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await client.request(target.method, target.path, json=target.body)  # warm-up
        start = time.perf_counter()
        stop = start + duration

        async def worker() -> None:
            nonlocal errors, issued
            while time.perf_counter() < stop and issued < max_requests:
                issued += 1
                t0 = time.perf_counter()
                response = await client.request(target.method, target.path, json=target.body)
                latencies.append(time.perf_counter() - t0)
                errors += response.status_code != 200

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    latencies.sort()
    return Row(target.name, len(latencies), errors, round(seconds, 2),
               round(len(latencies) / seconds, 1), round(percentile(latencies, 50) * 1000, 1),
               round(percentile(latencies, 99) * 1000, 1))


def setup(base: str, seed_text: str) -> dict[str, Target]:
    """Store the seed, so that its card and story have pages; the targets."""
    response = httpx.post(f"{base}/api/articles", json={"text": seed_text}, timeout=60)
    response.raise_for_status()
    added = response.json()
    return {
        "card": Target("card", "GET", added["url"]),
        "story": Target("story", "GET", f"/stories/{added['story']}"),
        "brief": Target("brief", "POST", "/api/brief", {"text": seed_text}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per target")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap per target")
    parser.add_argument("--targets", default="card,story,brief",
                        help="comma-separated: card,story,brief")
    parser.add_argument("--json", action="store_true", help="print JSON rows")
    args = parser.parse_args()
    if not SEED.exists():
        print(f"the seed page is missing: {SEED} (set NEWSBRIEF_SHARED)", file=sys.stderr)
        sys.exit(2)
    seed_text = SEED.read_text(encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(Path(tmp) / "bench.db", port)
        try:
            wait_until_up(base, proc)
            targets = setup(base, seed_text)
            rows = [
                asyncio.run(drive(base, targets[name], duration=args.duration,
                                  concurrency=args.concurrency, max_requests=args.max_requests))
                for name in args.targets.split(",")
            ]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if args.json:
        for row in rows:
            print(json.dumps(asdict(row)))
        return
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"newsbrief serve, {when}, {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, concurrency {args.concurrency}, "
          f"{args.duration:g} s per target\n")
    print("| target | requests | errors | requests/s | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row.target} | {row.requests} | {row.errors} | {row.requests_per_second} "
              f"| {row.p50_ms} | {row.p99_ms} |")


if __name__ == "__main__":
    main()
