"""A bounded soak on loopback: many tenants created, used on distinct URLs and deleted, while the
server's resident memory is sampled. Starts its own `sandbox serve` (memory store) and stops it.

    python bench/soak.py --tenants 2000                 # each tenant deleted after its use
    python bench/soak.py --tenants 2000 --keep          # all of them alive, deleted at the end
    python bench/soak.py --tenants 500 --max-memory 256M --json soak.json

Every tenant takes a token, reads three companies of its own at NBB (distinct URLs, so distinct
worlds entities and journal entries), and the access groups and bills of Informat. Bounded by
--tenants and --max-seconds; prints RSS over time and the peak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
import uuid

import httpx

INFORMAT_SCOPE = "api_informat_rekeningen.SJC-Secundair"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def resident_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def enterprise_number(n: int) -> str:
    """The n-th valid Belgian enterprise number past 0200000000 (mod-97 check digits)."""
    body = 2_000_000 + n
    return f"{body:08d}{97 - body % 97:02d}"


class Soak:
    def __init__(self, url: str, pid: int, tenants: int, concurrency: int, keep: bool, deadline: float):
        self.url, self.pid, self.tenants, self.concurrency = url, pid, tenants, concurrency
        self.keep, self.deadline = keep, deadline
        self.done = 0
        self.statuses: dict[int, int] = {}
        self.samples: list[tuple[float, int, float]] = []  # seconds, tenants done, RSS MiB
        self.started = time.monotonic()

    def _count(self, response: httpx.Response) -> httpx.Response:
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response

    async def one_tenant(self, http: httpx.AsyncClient, n: int) -> str:
        tenant = self._count(await http.post("/__sandbox/tenants", json={"name": f"soak-{n}"})).json()
        credentials = tenant["credentials"]
        nbb = {"NBB-CBSO-Subscription-Key": credentials["nbb-cbso"]["authenticKey"]["secret"]}
        for k in range(3):
            company = enterprise_number(n * 3 + k)
            path = f"/nbb/authentic/legalEntity/{company}/references"
            self._count(await http.get(path, headers={**nbb, "X-Request-Id": str(uuid.uuid4())}))
        oauth = credentials["oauth2"]["client"]
        form = {"grant_type": "client_credentials", "scope": INFORMAT_SCOPE}
        answer = await http.post(
            "/oauth2/connect/token", data=form, auth=(oauth["client_id"], oauth["client_secret"])
        )
        bearer = {"Authorization": f"Bearer {self._count(answer).json()['access_token']}"}
        self._count(await http.get("/informat/rekeningen/1/accessgroups", headers=bearer))
        params = {"accessGroup": "SJC-Secundair"}
        self._count(await http.get("/informat/rekeningen/1/bills", params=params, headers=bearer))
        if not self.keep:
            self._count(await http.delete(f"/__sandbox/tenants/{tenant['id']}"))
        return tenant["id"]

    async def sample(self) -> None:
        while True:
            self.samples.append(
                (round(time.monotonic() - self.started, 1), self.done, round(resident_mib(self.pid), 1))
            )
            await asyncio.sleep(0.5)

    async def run(self) -> list[str]:
        made: list[str] = []
        remaining = iter(range(self.tenants))
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as http:

            async def worker() -> None:
                for n in remaining:
                    if time.monotonic() > self.deadline:
                        return
                    made.append(await self.one_tenant(http, n))
                    self.done += 1

            sampler = asyncio.create_task(self.sample())
            await asyncio.gather(*(worker() for _ in range(self.concurrency)))
            if self.keep:
                self.samples.append(
                    (round(time.monotonic() - self.started, 1), self.done, resident_mib(self.pid))
                )
                for tenant_id in made:
                    self._count(await http.delete(f"/__sandbox/tenants/{tenant_id}"))
            await asyncio.sleep(1)
            sampler.cancel()
        return made


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--keep", action="store_true", help="keep every tenant until the end, then delete them"
    )
    parser.add_argument("--max-memory", default=None, help="the server's --max-memory (default: its own)")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop starting tenants after this")
    parser.add_argument("--json", help="write the samples and the summary to this file")
    args = parser.parse_args()

    port = free_port()
    command = [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--log-level", "warning"]
    if args.max_memory:
        command += ["--max-memory", args.max_memory]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/__sandbox/tenants", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the sandbox did not start") from None
                time.sleep(0.2)
        idle_mib = resident_mib(server.pid)
        soak = Soak(
            url, server.pid, args.tenants, args.concurrency, args.keep, time.monotonic() + args.max_seconds
        )
        asyncio.run(soak.run())
        final_mib = resident_mib(server.pid)
    finally:
        server.terminate()
        server.wait(10)

    step = max(1, len(soak.samples) // 20)
    print(f"{'seconds':>8} {'tenants':>8} {'RSS MiB':>8}")
    for seconds, done, rss in soak.samples[::step]:
        print(f"{seconds:>8} {done:>8} {rss:>8.1f}")
    summary = {
        "tenants": soak.done,
        "kept_until_the_end": args.keep,
        "seconds": soak.samples[-1][0] if soak.samples else 0,
        "idle_rss_mib": round(idle_mib, 1),
        "peak_rss_mib": max(rss for _, _, rss in soak.samples),
        "final_rss_mib": round(final_mib, 1),
        "statuses": soak.statuses,
    }
    print(json.dumps(summary))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"summary": summary, "samples": soak.samples}, out, indent=1)


if __name__ == "__main__":
    main()
