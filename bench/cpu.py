"""CPU time per request of the sandbox's pipeline, driven in-process (no sockets, no HTTP parser):
a figure far less sensitive to the machine's other load than wrk's requests per second.

    .venv/bin/python bench/cpu.py                      # references call, memory store
    .venv/bin/python bench/cpu.py --call deposit       # one deposit's reference
    .venv/bin/python bench/cpu.py --store sqlite       # on a temporary SQLite file
    .venv/bin/python bench/cpu.py --profile 30         # and cProfile's top 30 (by own time)

The requests are the ones `bench/compare.py` sends (wrk's headers, the demo subscription key), as
raw ASGI calls to the app, 16 at a time as wrk's connections, after the demo tenant's rate limit
was raised.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare import ENTERPRISE, KEY_HEADER, ONE_REFERENCE, RAISED_LIMIT, REFERENCES  # noqa: E402

from sandbox.app import build_app  # noqa: E402
from sandbox.settings import Settings  # noqa: E402


def _scope(method: str, path: str, headers: list[tuple[str, str]]) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in [("host", "127.0.0.1:8000"), *headers]],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def call(app, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b"") -> tuple:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(_scope(method, path, headers), receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = {"memory": "memory://", "sqlite": f"sqlite:///{folder}/bench.db"}.get(args.store, args.store)
        started = time.perf_counter()
        app = build_app(Settings(store=store))
        print(f"build_app: {time.perf_counter() - started:.3f} s")
        json_headers = [("content-type", "application/json")]
        limit = orjson.dumps({"nbb-cbso": RAISED_LIMIT})
        status, _ = await call(app, "PUT", "/__sandbox/tenants/demo/rate-limits", json_headers, limit)
        assert status == 200, status
        headers = [KEY_HEADER, ("user-agent", "wrk"), ("accept", "*/*")]
        path = f"/nbb{REFERENCES}"
        if args.call == "deposit":
            _, body = await call(app, "GET", path, headers)
            path = "/nbb" + ONE_REFERENCE.format(reference=orjson.loads(body)[-1]["ReferenceNumber"])
        for _ in range(200):  # warm: worlds, kept answers, lazy imports
            status, body = await call(app, "GET", path, headers)
            assert status == 200, (status, body[:300])
        profiler = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        remaining = iter(range(args.requests))

        async def client() -> None:
            for _ in remaining:
                await call(app, "GET", path, headers)

        await asyncio.gather(*(client() for _ in range(args.concurrency)))
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{ENTERPRISE} {args.call}, {args.store}: {cpu / args.requests * 1e6:.0f} µs CPU per request"
            f" ({wall / args.requests * 1e6:.0f} µs of wall-clock time: waits for the store included)"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
        await app.state.services.store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--call", choices=("references", "deposit"), default="references")
    parser.add_argument("--store", default="memory", help="memory, sqlite or a store URL [memory]")
    parser.add_argument("-n", "--requests", type=int, default=3000)
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="requests at once [16, as wrk]")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key [tottime]")
    asyncio.run(main(parser.parse_args()))
