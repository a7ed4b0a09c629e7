"""Fixtures shared by the runtime tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis


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
