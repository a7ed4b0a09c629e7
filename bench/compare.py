"""The sandbox beside Stoplight Prism on the same spec and the same call, on loopback.

    .venv/bin/python bench/compare.py                    # about 5 minutes
    .venv/bin/python bench/compare.py --world 1000000    # the world grown by a million companies
    .venv/bin/python bench/compare.py --call deposit     # one deposit's reference instead
    .venv/bin/python bench/compare.py --baseline ../old  # beside the sandbox of another checkout
    .venv/bin/python bench/compare.py --store memory,sqlite,redis --workers 2  # stores, workers

Starts, on 127.0.0.1, each server (timing its cold start while nothing else runs):

- the sandbox: `sandbox serve`, one process, default settings; the call is authenticated (NBB demo
  subscription key), so auth, rate limit, faults, validation and the journal all run;
- with --baseline DIR, the sandbox of another checkout (DIR holds its `sandbox/` and `specs/`), so
  a change is measured before and after in one run, under the same load;
- with --store, the sandbox on each store named (SQLite in a temporary file, Redis from a
  `redis-server` started on a free port), and with --workers N, `sandbox serve --workers N` on each
  shared store beside its one process;
- a second sandbox whose world has first grown (--world distinct enterprise numbers addressed)
  and whose demo tenant's journal has wrapped many times;
- Stoplight Prism (`prism mock`, static, and `-d` dynamic) on specs/nbb-cbso.yaml;
- a bare Starlette route answering the sandbox's bytes: the framework's ceiling (with --workers
  N, also on N worker processes: the most a second process can give on this machine).

then drives them in turn with wrk at a fixed concurrency, round after round, so that whatever else
the machine does weighs on all of them alike. It prints requests/s, p50 and p99 latency, cold
start to the first 200, peak RSS, the CPU time the hypervisor took for other guests during the
runs (steal: on a shared virtual machine, what makes one run differ from the next), the CPU time a
request took of each server (with its Redis) and of wrk, which the steal moves far less, and the
ratios of the sandbox to each Prism mode. Needs the project's virtual environment, wrk (Debian:
`apt-get install wrk`) and Prism (`npm install --prefix bench`: the version bench/package.json
pins).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stdnum.be import vat

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SPEC = ROOT / "specs" / "nbb-cbso.yaml"
PRISM = BENCH / "node_modules" / ".bin" / "prism"
WRK_SCRIPTS = BENCH / "wrk"
HOST = "127.0.0.1"  # every server and every request stays on loopback
BASELINE = "sandbox, baseline checkout"
SANDBOX = "sandbox, full pipeline"
BARE = "bare Starlette, same bytes"

ENTERPRISE = "0000000493"  # a magic company that files in every world (28 references since 1999)
# the spec's paths (the sandbox serves them under /nbb); cold starts always wait for REFERENCES
REFERENCES = f"/authentic/legalEntity/{ENTERPRISE}/references"
ONE_REFERENCE = "/authentic/deposit/{reference}/reference"
KEY_HEADER = ("NBB-CBSO-Subscription-Key", "demo-authentic")
RAISED_LIMIT = {"requests": 1_000_000, "window": 1}  # the most the control plane accepts, per second


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    steal_pct: float  # of the machine's CPU time during the run, taken by the hypervisor for others
    # CPU time a request took (user and system, µs): of the server's processes (and of its Redis),
    # and of wrk. What the hypervisor took is not in them: they move far less from run to run than
    # the rate does, and tell how many of the machine's cores a rate needs.
    server_cpu_us: float = 0.0
    client_cpu_us: float = 0.0


@dataclass
class Row:
    name: str
    runs: list[Run] = field(default_factory=list)
    cold_starts: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    rss_after_mb: float = 0.0
    body_bytes: int = 0

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.non_2xx + run.socket_errors for run in self.runs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_times() -> tuple[int, int]:
    """The machine's CPU time so far, and the part of it the hypervisor gave to other guests
    (steal), in clock ticks: on a shared virtual machine, what makes one run differ from the next."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(ticks), ticks[7]


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (what the hypervisor took is not in it)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """User and system CPU time of this process's children that have ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


class Server:
    """One server process; its start is timed up to the first 200 on the benchmarked call."""

    def __init__(
        self, command: list[str], call_url: str, env: dict[str, str] | None = None, cwd: Path = ROOT
    ) -> None:
        self.command = command
        self.cwd = cwd
        self.call_url = call_url
        self.env = env
        self.process: subprocess.Popen | None = None
        # a file, not a pipe: a full pipe would stall the server; stop() closes it
        self.log = tempfile.TemporaryFile()  # noqa: SIM115

    def start(self, timeout: float = 60) -> float:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        request = urllib.request.Request(self.call_url, headers=dict([KEY_HEADER]))
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                pass
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"{self.command[0]} exited: {self.log.read().decode()[-2000:]}")
            if time.perf_counter() - started > timeout:
                self.stop()
                raise SystemExit(f"{' '.join(self.command)} gave no 200 within {timeout} s")
            time.sleep(0.005)

    def rss_mb(self) -> float:
        return max(_status_kb(pid, "VmRSS") for pid in self.pids()) / 1024

    def peak_rss_mb(self) -> float:
        """Of the largest process: with workers, of one worker."""
        return max(_status_kb(pid, "VmHWM") for pid in self.pids()) / 1024

    def cpu_seconds(self) -> float:
        """The CPU time of the server's processes so far (with workers, of them all)."""
        return sum(process_cpu_seconds(pid) for pid in self.pids())

    def pids(self) -> list[int]:
        """The server's process and its children (uvicorn's worker processes)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = children.read_text().split() if children.exists() else []
        return [self.process.pid, *map(int, found)]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def wrk(args: argparse.Namespace, url: str, seconds: int, script: str = "report.lua", **env: str) -> dict:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPTS / script),
        url,
    ]
    environment = {
        **os.environ,
        "BENCH_WRK_DIR": str(WRK_SCRIPTS),
        "BENCH_KEY_HEADER": f"{KEY_HEADER[0]}: {KEY_HEADER[1]}",
        "BENCH_THREADS": str(args.threads),
        **env,
    }
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        if "BENCH_WORLD_REQUESTS" in env:
            # each thread says when it has sent its share; then wrk is stopped and reports the time
            for _ in range(args.threads):
                if not process.stderr.readline():
                    break
            process.send_signal(signal.SIGINT)
        out, err = process.communicate()
    finally:
        if process.poll() is None:  # interrupted: leave no load running
            process.kill()
            process.wait()
    summary = next((line for line in out.splitlines() if line.startswith("{")), None)
    if summary is None:
        raise SystemExit(f"wrk printed no summary:\n{out}\n{err}")
    return json.loads(summary)


@dataclass
class Target:
    """A running server, the row its figures go to, and the URL of the measured call."""

    row: Row
    server: Server
    url: str
    base: str = ""  # the sandbox's address, for its control plane
    store: Server | None = None  # the Redis it keeps its state in, whose CPU time is the request's too

    def cpu_seconds(self) -> float:
        return self.server.cpu_seconds() + (self.store.cpu_seconds() if self.store else 0.0)


def run_once(args: argparse.Namespace, target: Target) -> None:
    before, server, client = cpu_times(), target.cpu_seconds(), children_cpu_seconds()
    result = wrk(args, target.url, args.duration)  # wrk has ended and been waited for
    after = cpu_times()
    server, client = target.cpu_seconds() - server, children_cpu_seconds() - client
    elapsed = (after[0] - before[0]) or 1
    requests = result["requests"] or 1
    target.row.runs.append(
        Run(
            rps=result["requests"] / result["seconds"],
            p50_ms=result["p50_us"] / 1000,
            p99_ms=result["p99_us"] / 1000,
            requests=result["requests"],
            non_2xx=result["non_2xx_3xx"],
            socket_errors=result["socket_errors"],
            steal_pct=100 * (after[1] - before[1]) / elapsed,
            server_cpu_us=server / requests * 1e6,
            client_cpu_us=client / requests * 1e6,
        )
    )


def started(args: argparse.Namespace, row: Row, make_server, timed: bool = True) -> Server:
    """Timed starts (`repeat` of them, or one untimed); the last server is left running."""
    for index in range(args.repeat if timed else 1):
        server = make_server()
        elapsed = server.start()
        if timed:
            row.cold_starts.append(elapsed)
        if timed and index < args.repeat - 1:
            server.stop()
    return server


def http_json(method: str, url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def body_of(url: str) -> bytes:
    with urllib.request.urlopen(
        urllib.request.Request(url, headers=dict([KEY_HEADER])), timeout=10
    ) as response:
        return response.read()


def sandbox_env() -> dict[str, str]:
    """The environment without SANDBOX_* variables, so the sandbox runs on its default settings,
    and without PYTHONDONTWRITEBYTECODE: an installed sandbox starts from compiled bytecode."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SANDBOX_") and key != "PYTHONDONTWRITEBYTECODE"
    }


def journal_state(base: str) -> tuple[int, int]:
    """(entries the demo tenant's journal keeps, exchanges it has recorded in all)."""
    entries = http_json("GET", f"{base}/__sandbox/journal?tenant=demo&limit=10000")["entries"]
    return len(entries), (entries[-1]["seq"] if entries else 0)


def start_sandbox(
    args: argparse.Namespace,
    name: str,
    notes: list[str],
    timed: bool = True,
    root: Path = ROOT,
    store: str | None = None,
    workers: int = 1,
) -> Target:
    """A sandbox served from the checkout at `root` (`python -m` imports the `sandbox` package of its
    working directory first, so another checkout runs its own code with this environment)."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "sandbox", "serve", "--host", HOST, "--port", str(port)]
    command += ["--log-level", "warning"]
    if store is not None:
        command += ["--store", store]
    if workers > 1:
        command += ["--workers", str(workers)]
    row = Row(name)
    server = started(
        args, row, lambda: Server(command, f"{base}/nbb{REFERENCES}", sandbox_env(), root), timed
    )
    target = Target(row, server, "", base)
    limits = http_json("PUT", f"{base}/__sandbox/tenants/demo/rate-limits", {"nbb-cbso": RAISED_LIMIT})
    if timed and root == ROOT:
        notes.append(
            "rate limit of the demo tenant raised through PUT /__sandbox/tenants/demo/rate-limits to "
            f"{limits['nbb-cbso']['requests']:,} requests per {limits['nbb-cbso']['window']} s "
            "(default 1,200 per 60 s), so the runs measure the pipeline and not 429s"
        )
    if args.call == "deposit" and args.path == REFERENCES:
        # the company's latest deposit, as the references call lists it (the world is the same
        # in every process)
        latest = json.loads(body_of(f"{base}/nbb{REFERENCES}"))[-1]["ReferenceNumber"]
        args.path = ONE_REFERENCE.format(reference=latest)
    target.url = f"{base}/nbb{args.path}"
    row.body_bytes = len(body_of(target.url))
    return target


def grow_world(args: argparse.Namespace, target: Target, notes: list[str]) -> None:
    print(f"  growing the world of one sandbox: {args.world:,} distinct enterprise numbers ...", flush=True)
    grown = wrk(
        args,
        target.base,
        args.world_timeout,
        "world.lua",
        BENCH_WORLD_PATH="/nbb/authentic/legalEntity/{n}/references",
        BENCH_WORLD_REQUESTS=str(args.world),
    )
    rate = grown["requests"] / grown["seconds"]
    failed = grown["non_2xx_3xx"] + grown["socket_errors"]
    notes.append(
        f"world grown: {grown['requests']:,} requests to distinct enterprise numbers in "
        f"{grown['seconds']:.0f} s ({rate:,.0f} new companies/s, "
        f"p99 {grown['p99_us'] / 1000:.1f} ms, {failed} errors); "
        f"RSS {target.server.rss_mb():.0f} MB after"
    )
    if failed:
        notes.append("INVALID: the world-growing run had errors")


def store_url(store: str, scratch: Path, redis_servers: list[Server]) -> tuple[str, Server | None]:
    """The URL of a fresh store of that kind: an SQLite file in `scratch`, or a Redis of its own
    (with its server)."""
    if store == "sqlite":
        return f"sqlite:///{scratch / 'sandbox.db'}", None
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    server = Server(command, "")
    server.process = subprocess.Popen(
        command, stdout=server.log, stderr=subprocess.STDOUT, start_new_session=True
    )
    redis_servers.append(server)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return f"redis://{HOST}:{port}/0", server
        time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def start_prism(args: argparse.Namespace, dynamic: bool) -> Target:
    port = free_port()
    command = [str(PRISM), "mock", "-h", HOST, "-p", str(port), "-v", "warn", str(SPEC)]
    if dynamic:
        command.append("-d")
    row = Row("Prism dynamic (-d)" if dynamic else "Prism static")
    server = started(args, row, lambda: Server(command, f"http://{HOST}:{port}{REFERENCES}"))
    target = Target(row, server, f"http://{HOST}:{port}{args.path}")
    row.body_bytes = len(body_of(target.url))
    return target


def start_bare(args: argparse.Namespace, body: bytes, answer: Path, workers: int = 1) -> Target:
    port = free_port()
    answer.write_bytes(body)
    path = f"/nbb{args.path}"
    command = [sys.executable, str(BENCH / "bare.py"), "--port", str(port), "--path", path]
    command += ["--body", str(answer), "--workers", str(workers)]
    url = f"http://{HOST}:{port}{path}"
    name = BARE if workers == 1 else f"{BARE}, {workers} workers"
    row = Row(name, body_bytes=len(body))
    return Target(row, started(args, row, lambda: Server(command, url), timed=workers == 1), url)


def bench(args: argparse.Namespace, rows: list[Row], notes: list[str]) -> None:
    """Start every server (cold starts timed one server at a time), grow one sandbox's world,
    then measure the servers in turn, round after round, so that what else the machine does
    weighs on all of them alike."""
    # compiled as `pip install` compiles an installed package (a checkout may never have been)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sandbox")], check=True)
    targets: list[Target] = []
    redis_servers: list[Server] = []
    with tempfile.TemporaryDirectory() as scratch:
        try:
            print("starting the sandbox ...", flush=True)
            fresh = start_sandbox(args, SANDBOX, notes)
            targets.append(fresh)
            if args.baseline:
                print(f"starting the baseline sandbox from {args.baseline} ...", flush=True)
                subprocess.run(
                    [sys.executable, "-m", "compileall", "-q", str(args.baseline / "sandbox")], check=True
                )
                targets.append(start_sandbox(args, BASELINE, notes, root=args.baseline))
            for store in args.stores:
                url, store_server = store_url(store, Path(scratch), redis_servers)
                print(f"starting the sandbox on the {store} store ...", flush=True)
                on_store = [start_sandbox(args, f"sandbox, {store} store", notes, timed=False, store=url)]
                if args.workers > 1:
                    name = f"sandbox, {store} store, {args.workers} workers"
                    on_store.append(
                        start_sandbox(args, name, notes, timed=False, store=url, workers=args.workers)
                    )
                for target in on_store:
                    target.store = store_server
                targets += on_store
            if args.world:
                grown = start_sandbox(args, "sandbox, world grown, journal full", notes, timed=False)
                targets.append(grown)
                grow_world(args, grown, notes)
            if not args.no_prism:
                print("starting Prism ...", flush=True)
                targets.append(start_prism(args, dynamic=False))
                targets.append(start_prism(args, dynamic=True))
            print("starting the bare Starlette route ...", flush=True)
            targets.append(start_bare(args, body_of(fresh.url), Path(scratch) / "answer"))
            if (
                args.workers > 1
            ):  # what N processes can give on this machine: the ceiling of the workers' gain
                targets.append(start_bare(args, body_of(fresh.url), Path(scratch) / "answer", args.workers))
            for target in targets:
                wrk(args, target.url, args.warmup)
            for round_ in range(args.repeat):
                print(f"round {round_ + 1} of {args.repeat} ...", flush=True)
                for target in targets:
                    run_once(args, target)
            for target in targets:
                target.row.rss_after_mb = target.server.rss_mb()
                target.row.peak_rss_mb = target.server.peak_rss_mb()
                rows.append(target.row)
                if target.base:
                    kept, recorded = journal_state(target.base)
                    notes.append(
                        f"journal of the demo tenant of '{target.row.name}': {kept:,} entries kept "
                        f"of {recorded:,} recorded"
                    )
        finally:
            for target in targets:
                target.server.stop()
            for server in redis_servers:
                server.stop()


COLUMNS = (
    ("req/s", 8),
    ("p50 ms", 8),
    ("p99 ms", 8),
    ("cold start s", 13),
    ("peak RSS MB", 12),
    ("steal %", 8),
    ("CPU µs/req", 11),
    ("wrk µs/req", 11),
)


def table(rows: list[Row]) -> str:
    header = f"{'server':<36}" + "".join(f" {name:>{width}}" for name, width in COLUMNS)
    header += f" {'body B':>7} {'errors':>7}"
    lines = [header, "-" * len(header)]
    for row in rows:
        cold = f"{statistics.median(row.cold_starts):.2f}" if row.cold_starts else "-"
        values = (
            f"{row.median('rps'):,.0f}",
            f"{row.median('p50_ms'):.2f}",
            f"{row.median('p99_ms'):.2f}",
            cold,
            f"{row.peak_rss_mb:.0f}",
            f"{row.median('steal_pct'):.0f}",
            f"{row.median('server_cpu_us'):.0f}",
            f"{row.median('client_cpu_us'):.0f}",
        )
        cells = "".join(f" {value:>{width}}" for value, (_, width) in zip(values, COLUMNS, strict=True))
        lines.append(f"{row.name:<36}{cells} {row.body_bytes:>7} {row.errors:>7}")
    return "\n".join(lines)


def ratios(rows: list[Row]) -> list[str]:
    by_name = {row.name: row for row in rows}
    sandbox = by_name.get(SANDBOX)
    lines = []
    for other in (BASELINE, "Prism static", "Prism dynamic (-d)", BARE):
        if sandbox and other in by_name:
            row = by_name[other]
            lines.append(
                f"sandbox / {other}: {sandbox.median('rps') / row.median('rps'):.2f}x the requests/s, "
                f"{sandbox.median('p99_ms') / row.median('p99_ms'):.2f}x the p99"
            )
    return lines


def targets(rows: list[Row], args: argparse.Namespace) -> list[str]:
    """The targets of issue 17, each with its figure, met or missed."""
    by_name = {row.name: row for row in rows}
    sandbox, prism = by_name.get(SANDBOX), by_name.get("Prism static")
    if sandbox is None:
        return []
    rps = sandbox.median("rps")
    checks = []
    needs: list[str] = []  # what each target's rate would take of the machine
    if prism is not None:
        throughput = rps / prism.median("rps")
        p99 = sandbox.median("p99_ms") / prism.median("p99_ms")
        checks.append((f"throughput >= 3x Prism static's ({throughput:.2f}x)", throughput >= 3))
        checks.append((f"p99 <= 1/5 of Prism static's ({p99:.2f}x)", p99 <= 0.2))
    bare = by_name.get(BARE)
    if bare is not None:
        share, floor = rps / bare.median("rps"), 0.5 if args.call == "deposit" else 0.4
        checks.append((f"throughput >= {floor:.0%} of the bare route's ({share:.0%})", share >= floor))
    for store in args.stores:
        one = by_name.get(f"sandbox, {store} store")
        if store != "memory" and one is not None:
            share = one.median("rps") / rps
            checks.append(
                (f"{store} store >= 2/3 of the memory store's throughput ({share:.0%})", share >= 2 / 3)
            )
        many = by_name.get(f"sandbox, {store} store, {args.workers} workers")
        if one is not None and many is not None:
            gain = many.median("rps") / one.median("rps")
            goal = min(args.workers, os.cpu_count() or 1) * 0.85
            checks.append(
                (f"{args.workers} workers on {store} >= {goal:.2f}x one process ({gain:.2f}x)", gain >= goal)
            )
            # what that rate would take of the machine, at the CPU time a request took in this run
            per_request = many.median("server_cpu_us") + many.median("client_cpu_us")
            cores = goal * one.median("rps") * per_request / 1e6
            needs.append(
                f"       ({goal:.2f}x one process on {store} would need {cores:.2f} of the machine's "
                f"{os.cpu_count()} cores for the workers{' and Redis' if store == 'redis' else ''} and wrk)"
            )
    p99 = sandbox.median("p99_ms")
    # Little's law: wrk's connections each wait for their answer, so the mean latency is
    # connections / throughput, a floor under the p99 that only more throughput lowers
    mean = args.connections / rps * 1000
    little = f"mean {mean:.2f} ms = {args.connections} connections / rate"
    checks.append((f"p99 < 5 ms ({p99:.2f} ms; {little})", p99 < 5))
    cold = statistics.median(sandbox.cold_starts)
    checks.append((f"cold start < 0.4 s ({cold:.2f} s)", cold < 0.4))
    peak = max(row.peak_rss_mb for row in rows if row.name.startswith("sandbox"))
    checks.append((f"RSS < 100 MB ({peak:.0f} MB at peak)", peak < 100))
    lines = [f"{'met   ' if ok else 'MISSED'} {text}" for text, ok in checks]
    many_bare = by_name.get(f"{BARE}, {args.workers} workers")
    if bare is not None and many_bare is not None:
        ceiling = many_bare.median("rps") / bare.median("rps")
        lines.append(f"       (the ceiling of the workers' gain: the bare route's is {ceiling:.2f}x)")
    lines += needs
    # CPU time a request took, which what the hypervisor took does not move: Prism's process runs
    # several threads and can use a second core, so its rate is not its cost alone
    cost = sandbox.median("server_cpu_us")
    for name in ("Prism static", *(f"sandbox, {store} store" for store in args.stores if store != "memory")):
        row = by_name.get(name)
        if row is not None and cost:
            other = row.median("server_cpu_us")
            lines.append(
                f"       (CPU time a request: {name} {other:,.0f} µs, the sandbox on the memory store "
                f"{cost:,.0f} µs: {other / cost:.2f}x)"
            )
    return lines


def check_tools(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: install it with `apt-get install wrk` (Debian/Ubuntu)")
    if not args.no_prism and not PRISM.exists():
        raise SystemExit(
            f"Prism is missing: install it with `npm install --prefix {BENCH.relative_to(ROOT)}`"
        )


def check_world_numbers() -> None:
    """world.lua computes enterprise numbers itself; they must be what python-stdnum calls valid."""
    for base in (1000, 1000 + 7919, 19_999_999, 123_456):
        number = f"{base:08d}{97 - base % 97:02d}"
        if not vat.is_valid(number):
            raise SystemExit(f"world.lua's formula gives an invalid enterprise number: {number}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured run [10]")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before the runs [2]")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs (and cold starts) per server; medians [3]"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections [16]")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads [2]")
    parser.add_argument(
        "--world",
        type=int,
        default=50_000,
        help="distinct enterprise numbers addressed to grow the world [50000]; 0: skip",
    )
    parser.add_argument(
        "--world-timeout", type=int, default=3600, help="most seconds the world may take to grow"
    )
    parser.add_argument(
        "--call",
        choices=("references", "deposit"),
        default="references",
        help="references: a company's deposits (28 records, 17.7 kB from the sandbox); "
        "deposit: one deposit's reference (one record) [references]",
    )
    parser.add_argument("--no-prism", action="store_true", help="leave Prism out")
    parser.add_argument(
        "--store",
        default="",
        help="also the sandbox on these stores, comma-separated: memory, sqlite, redis (needs redis-server)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="also `serve --workers N` on each shared store of --store [1]"
    )
    parser.add_argument(
        "--baseline", type=Path, help="also measure the sandbox of another checkout (before/after)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that servers and wrk are stopped
    args.path = REFERENCES  # the deposit call's path is known once the sandbox answers
    args.stores = [store for store in args.store.split(",") if store]
    if any(store not in ("memory", "sqlite", "redis") for store in args.stores):
        raise SystemExit("--store names memory, sqlite or redis, comma-separated")
    if "redis" in args.stores and shutil.which("redis-server") is None:
        raise SystemExit("redis-server is missing: install it with `apt-get install redis-server`")
    if not 1 <= args.workers <= 16:
        raise SystemExit("--workers is 1 to 16")
    if not (0 < args.duration <= 600 and 0 < args.repeat <= 10 and 0 < args.connections <= 1024):
        raise SystemExit("keep runs bounded: --duration <= 600, --repeat <= 10, --connections <= 1024")
    if not 0 <= args.world <= 20_000_000:
        raise SystemExit("--world is at most 20,000,000 (the enterprise numbers there are)")
    check_tools(args)
    check_world_numbers()

    load_before = load_average()
    print(f"load average before: {load_before} ({os.cpu_count()} CPUs)", flush=True)
    rows: list[Row] = []
    notes: list[str] = []
    bench(args, rows, notes)
    load_after = load_average()

    print()
    print(
        f"GET {args.path} (the sandbox under /nbb) with {KEY_HEADER[0]}; "
        f"wrk -t{args.threads} -c{args.connections}, {args.repeat} rounds of one {args.duration:g} s "
        f"run per server after {args.warmup:g} s of warm-up; medians"
    )
    print(f"load average before {load_before}, after {load_after}; logging: sandbox warnings, Prism -v warn")
    print()
    print(table(rows))
    print()
    for line in ratios(rows):
        print(line)
    print()
    for note in notes:
        print(note)
    invalid = [row.name for row in rows if row.errors]
    if invalid:
        print(f"INVALID: non-2xx answers or socket errors in: {', '.join(invalid)}")
    print()
    for line in targets(rows, args):
        print(line)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "load_before": load_before,
                    "load_after": load_after,
                    "rows": [asdict(row) for row in rows],
                    "notes": notes,
                },
                indent=2,
            )
        )
    if invalid:
        sys.exit(1)


if __name__ == "__main__":
    main()
