"""Beyond loopback the control plane asks for the admin token: the console asks a person once,
keeps it in the tab's sessionStorage, and never puts it in a URL."""

from __future__ import annotations

import pytest

from sandbox.settings import Settings
from sandbox.testing import running_sandbox

pytestmark = pytest.mark.browser

TOKEN = "console-admin-token-4f1c"


@pytest.fixture(scope="module")
def sandbox_url():
    with running_sandbox(Settings(admin_token=TOKEN)) as url:
        yield url


def test_the_console_asks_for_the_admin_token_once_and_keeps_it_out_of_urls(browser):
    browser.open("/console/tenants")
    field = browser.wait(lambda: browser.css("dialog#admin-token[open] input"), what="the question")
    assert browser.all("#tenants tbody tr") == []
    field.send_keys(TOKEN)
    browser.css("#admin-token-form button[type=submit]").click()
    browser.wait(lambda: browser.css("#tenants tbody tr[data-tenant=demo]"), what="the tenants")
    assert browser.driver.execute_script("return sessionStorage.getItem('sandbox.adminToken')") == TOKEN
    browser.shot("12-admin-token")

    browser.open("/console/journal")
    browser.wait(lambda: "on" in browser.css("#live").get_attribute("class"), what="the live stream")
    assert not browser.css("dialog#admin-token").get_attribute("open")  # asked once per session
    requested = browser.collect_requests()
    assert any("/__sandbox/journal/stream" in url for url in requested)
    assert not [url for url in requested if TOKEN in url]
    assert browser.foreign_requests() == []
