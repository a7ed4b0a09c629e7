"""Fixtures shared by the runtime tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import DEFAULT_NOW

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server of our own, on a free port, gone after the session."""
    if shutil.which("redis-server") is None:
        message = "redis-server is not on PATH: install it (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must test the Redis store, and .ci/run installs it")
        pytest.skip(f"{message} to test the Redis store")
    port = free_port()
    options = f"--port {port} --bind 127.0.0.1 --appendonly no --daemonize no".split()
    folder = str(tmp_path_factory.mktemp("redis"))
    server = subprocess.Popen(
        ["redis-server", *options, "--save", "", "--dir", folder], stdout=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server on port {port} did not start")
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store that several processes share: a SQLite file, or an emptied Redis database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sandbox.db'}"
    url = request.getfixturevalue("redis_url")
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


class Server:
    """`sandbox serve` in its own process: on the tests' small ledger API, or with `real_apis` on
    the specs and fixtures the sandbox ships."""

    def __init__(self, store: str, *options: str, real_apis: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "sandbox", "serve", "--port", str(self.port), "--store", store]
        command += ["--now", DEFAULT_NOW, "--frozen", "--log-level", "warning"]
        if not real_apis:
            command += ["--specs-dir", str(ENGINE_TESTS / "specs")]
            command += ["--fixtures-dir", str(ENGINE_TESTS / "fixtures")]
        command += options
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + "/", timeout=1)
                return
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()  # so that reading what it said cannot wait for ever
                    raise RuntimeError(
                        f"sandbox did not start: {self.process.stderr.read().decode()}"
                    ) from None
                time.sleep(0.1)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
