"""Browser tests of the web console: Debian's chromium, headless, driven by selenium through
Debian's chromedriver, against a sandbox served on a loopback port. Screenshots of every page go
to tests/console/screenshots/ (not committed)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from sandbox.testing import running_sandbox

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = ("chromium", "chromedriver")
# schemes a page uses without the network: its own blobs and data, the browser's own pages
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-extension", "devtools")


def _browser_binaries() -> tuple[str, str]:
    found = [shutil.which(name) for name in CHROMIUM]
    if None in found:
        message = "chromium and chromedriver are not on PATH: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI runs the browser tests, and .ci/run installs them")
        pytest.skip(message)
    return found[0], found[1]


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with running_sandbox(Settings(now=parse_instant("2026-11-17T09:00:00+00:00"))) as url:
        yield url


class Browser:
    """A headless chromium whose every request is logged, so a test can hold the pages to the
    sandbox's own origin."""

    def __init__(self, base_url: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        chromium, chromedriver = _browser_binaries()
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in (
            "--headless=new",
            "--no-sandbox",  # CI runs as root
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
            "--no-first-run",
            "--disable-background-networking",  # no update checks or field trials of its own
            "--disable-component-update",
            "--disable-sync",
        ):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(chromedriver))
        self.driver.implicitly_wait(0)
        self.base_url = base_url
        self.requested: list[str] = []

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def wait(self, condition: Callable[[], object], seconds: float = 40, what: str = "the page") -> object:
        deadline = time.monotonic() + seconds
        while True:
            try:
                found = condition()
            except Exception:  # an element not there yet, or replaced while read
                found = None
            if found:
                return found
            if time.monotonic() > deadline:
                self.shot("timeout")
                raise AssertionError(f"waited {seconds}s for {what}; status line: {self.status()!r}")
            time.sleep(0.1)

    def css(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def status(self) -> str:
        try:
            return self.css("#status").text
        except Exception:
            return ""

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def collect_requests(self) -> list[str]:
        for item in self.driver.get_log("performance"):
            message = json.loads(item["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
        return self.requested

    def foreign_requests(self) -> list[str]:
        """Every URL the pages asked for that is not the sandbox's own."""
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.collect_requests()
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != own
        ]

    def script_errors(self) -> list[str]:
        """Errors the pages' scripts raised, or the content security policy refused, so far."""
        return [
            item["message"]
            for item in self.driver.get_log("browser")
            if "Uncaught" in item["message"] or "Content Security Policy" in item["message"]
        ]

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture(scope="module")
def browser(sandbox_url) -> Iterator[Browser]:
    opened = Browser(sandbox_url)
    try:
        yield opened
    finally:
        opened.quit()
