"""The console in a real browser, step by step as a developer uses it beside their client: the
home page, a new tenant, "try it" on NBB and Informat seen live in the journal, one exchange
opened, the clock and a fault reflected by the next call, a sandbox action run from its form, and
a careless client's contract report followed into the journal. No page asks anything of another
host."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

pytestmark = pytest.mark.browser

NBB_REFERENCES = "/console/docs/nbb-cbso?tenant={tenant}#/Authentic/getReferencesByLegalEntity"
INFORMAT_REGISTRATIONS = "/console/docs/informat-students?tenant={tenant}#/default/listRegistrations"
ANSWER = ".live-responses-table td.response-col_{}:not(.col_header)"  # Swagger UI's table of the answer


@pytest.fixture(scope="module")
def seen() -> dict:
    """What one step learns for the next (the steps share one browser and one tenant)."""
    return {}


def nbb_key(browser, tenant: str, scheme: str) -> str:
    view = httpx.get(f"{browser.base_url}/__sandbox/tenants/{tenant}").json()
    return view["credentials"]["nbb-cbso"][scheme]["secret"]


def rows(browser, selector: str = "#journal tbody tr") -> list[str]:
    return [row.text for row in browser.all(selector)]


def test_the_home_page_lists_every_api_with_its_docs(browser):
    browser.open("/")
    nbb = browser.wait(lambda: browser.css("tr[data-api=nbb-cbso]"), what="the API table")
    assert "/nbb" in nbb.text and "ws.cbso.nbb.be" in nbb.text and "14 verified" in nbb.text
    assert "demo-authentic" in nbb.text and "NBB-CBSO-Subscription-Key" in nbb.text
    informat = browser.css("tr[data-api=informat-students]").text
    assert "leerlingenapi.informatsoftware.be" in informat and "7 of 7 operations with a handler" in informat
    docs = [a.get_attribute("href") for a in browser.all("table.apis a")]
    assert browser.base_url + "/console/docs/nbb-cbso" in docs
    browser.shot("01-home")


def test_a_tenant_is_created_from_the_generated_form(browser, seen):
    browser.open("/console/tenants")
    name = browser.wait(lambda: browser.css("#create-tenant input[name=name]"), what="the create form")
    name.send_keys("Browser client")
    browser.css("#create-tenant input[name=tokenLifetime]").send_keys("600")
    browser.css("#create-tenant button[type=submit]").click()
    created = browser.wait(
        lambda: re.search(r"Tenant (t-[0-9a-f]+) created", browser.status()), what="the new tenant"
    )
    tenant = seen["tenant"] = created[1]
    assert tenant in browser.css("#tenant-detail .tenant-id").text  # its credentials, not the demo's
    seen["nbb_key"] = browser.css("tr[data-api=nbb-cbso][data-scheme=authenticKey] code").text
    assert browser.css(f"tr[data-tenant={tenant}]").text.startswith(f"{tenant} Browser client")
    assert "copy" in browser.css("tr[data-api=nbb-cbso][data-scheme=authenticKey]").text
    view = httpx.get(f"{browser.base_url}/__sandbox/tenants/{tenant}").json()
    assert (view["name"], view["tokenLifetime"]) == ("Browser client", 600)
    assert view["credentials"]["nbb-cbso"]["authenticKey"]["secret"] == seen["nbb_key"]
    browser.shot("02-tenants")


def execute(browser, url: str, inputs: dict[str, str], status: str) -> None:
    """Open an operation in the docs, fill its parameters, press Execute, wait for the status."""
    browser.open(url)
    browser.wait(lambda: "tenant " in browser.css("#authorized").text, what="the tenant's credentials")
    for name, value in inputs.items():
        field = browser.wait(
            lambda name=name: browser.css(f'tr[data-param-name="{name}"] input'), what=f"parameter {name}"
        )
        field.clear()
        field.send_keys(value)
    browser.css(".opblock.is-open button.execute").click()
    browser.wait(
        lambda: browser.css(ANSWER.format("status")).text.strip().startswith(status),
        what=f"the answer {status}",
    )


def test_try_it_calls_appear_live_in_the_journal(browser, seen):
    tenant = seen["tenant"]
    browser.open(f"/console/journal?tenant={tenant}")
    browser.wait(lambda: "on" in browser.css("#live").get_attribute("class"), what="the live stream")
    journal_tab = seen["journal_tab"] = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    seen["docs_tab"] = browser.driver.current_window_handle

    execute(
        browser, NBB_REFERENCES.format(tenant=tenant), {"enterpriseNumber": "0000000592", "year": ""}, "200"
    )
    assert "ReferenceNumber" in browser.css(ANSWER.format("description")).text
    assert f"tenant {tenant}: authenticKey (key)" in browser.css("#authorized").text
    browser.shot("03-docs-nbb")
    execute(browser, INFORMAT_REGISTRATIONS.format(tenant=tenant), {"InstituteNo": "012345"}, "200")
    assert "token of" in browser.css("#authorized").text
    browser.shot("04-docs-informat")

    browser.driver.switch_to.window(journal_tab)  # never reloaded since
    browser.wait(
        lambda: (
            any("getReferencesByLegalEntity" in r for r in rows(browser))
            and any("listRegistrations" in r for r in rows(browser))
        ),
        what="both calls in the live journal",
    )
    table = rows(browser)
    nbb = "nbb-cbso getReferencesByLegalEntity GET /nbb/authentic/legalEntity/0000000592"
    assert any(nbb in r for r in table)
    assert any(
        "informat-students listRegistrations GET /informat/leerlingen/1/registrations" in r for r in table
    )
    assert any("identity connectToken POST /oauth2/connect/token" in r for r in table)  # the docs fetched it
    browser.shot("05-journal-live")


def test_try_it_sends_a_key_and_basic_credentials_together(browser, seen):
    tenant = seen["tenant"]
    browser.driver.switch_to.window(seen["docs_tab"])
    execute(browser, f"/console/docs/codabox-v2?tenant={tenant}#/default/listFiduciaries", {}, "200")
    assert f"basic (Basic {tenant}-codabox-v2)" in browser.css("#authorized").text
    assert "softwareKey (key)" in browser.css("#authorized").text
    browser.driver.switch_to.window(seen["journal_tab"])


def test_an_exchange_opens_with_its_headers_and_bodies_redacted(browser, seen):
    row = next(r for r in browser.all("#journal tbody tr") if "getReferencesByLegalEntity" in r.text)
    row.click()
    panel = browser.wait(lambda: browser.css("#exchange:not([hidden])"), what="the exchange")
    text = panel.text
    assert "GET /nbb/authentic/legalEntity/0000000592/references → 200" in text
    assert "nbb-cbso-subscription-key" in text.lower() and "[redacted:" in text
    assert seen["nbb_key"] not in text
    assert "ReferenceNumber" in browser.css("#exchange .response pre.body").text
    browser.shot("06-exchange")


def test_zips_are_listed_and_pdfs_previewed(browser, seen):
    tenant, key = seen["tenant"], seen["nbb_key"]
    headers = {"NBB-CBSO-Subscription-Key": key, "X-Request-Id": str(uuid.uuid4())}
    base = browser.base_url + "/nbb/authentic"
    references = httpx.get(f"{base}/legalEntity/0000000592/references", headers=headers).json()
    pdf = httpx.get(
        f"{base}/deposit/{references[-1]['ReferenceNumber']}/accountingData",
        headers={**headers, "X-Request-Id": str(uuid.uuid4()), "Accept": "application/pdf"},
    )
    assert pdf.headers["content-type"].startswith("application/pdf")
    extracts = {"NBB-CBSO-Subscription-Key": nbb_key(browser, tenant, "extractsKey")}
    zipped = httpx.get(
        f"{browser.base_url}/nbb/extracts/batch/2026-11-16/references",
        headers={**extracts, "X-Request-Id": str(uuid.uuid4()), "Accept": "application/x.zip+json"},
    )
    assert zipped.status_code == 200
    browser.wait(lambda: any("getExtractReferences" in r for r in rows(browser)), what="the zip's exchange")
    next(r for r in browser.all("#journal tbody tr") if "getExtractReferences" in r.text).click()
    listing = browser.wait(lambda: browser.css("#exchange table.zip-entries"), what="the zip listing")
    assert ".json" in listing.text
    next(r for r in browser.all("#journal tbody tr") if "getAccountingData" in r.text).click()
    frame = browser.wait(lambda: browser.css("#exchange iframe.pdf-preview"), what="the PDF preview")
    assert frame.get_attribute("src").startswith("blob:")
    browser.driver.execute_script("arguments[0].scrollIntoView()", frame)
    browser.shot("07-pdf-preview")


def test_the_clock_and_a_fault_set_in_the_console_shape_the_next_call(browser, seen):
    tenant = seen["tenant"]
    browser.open(f"/console/controls?tenant={tenant}")
    browser.wait(lambda: browser.css("#clock .now").get_attribute("data-iso"), what="the clock")
    browser.driver.execute_script(
        "document.querySelector('#clock-set input[name=now]').value = '2026-03-02T10:00:00';"
    )
    browser.css("#clock-set input[name=frozen]").click()
    browser.css("#clock-set button[type=submit]").click()
    expected = browser.driver.execute_script("return new Date('2026-03-02T10:00:00').toISOString()")
    browser.wait(lambda: browser.status() == "Clock changed.", what="the clock change")
    assert browser.css("#clock .frozen").text == "(frozen)"
    clock = httpx.get(f"{browser.base_url}/__sandbox/tenants/{tenant}/clock").json()
    assert clock["frozen"] and clock["now"].startswith(expected[:19])

    form = browser.wait(lambda: browser.css("#fault-add select[name=kind]"), what="the fault form")
    form.find_element("css selector", 'option[value="\\"status\\""]').click()
    browser.css('#fault-add select[name=api] option[value="\\"nbb-cbso\\""]').click()
    browser.css("#fault-add input[name=count]").send_keys("1")
    browser.css("#fault-add input[name=status]").send_keys("503")
    browser.css("#fault-add button[type=submit]").click()
    fault = browser.wait(lambda: browser.css("#faults tbody tr[data-fault]"), what="the fault")
    assert "status 503" in fault.text and "nbb-cbso" in fault.text
    limit = browser.css("#rate-limits tr[data-api=nbb-cbso] input[name=requests]")
    limit.clear()
    limit.send_keys("500")
    browser.css("#rate-limits tr[data-api=nbb-cbso] button").click()
    browser.wait(lambda: browser.status() == "Rate limit of nbb-cbso set.", what="the rate limit")
    limits = httpx.get(f"{browser.base_url}/__sandbox/tenants/{tenant}/rate-limits").json()
    assert limits["nbb-cbso"]["requests"] == 500
    browser.shot("08-controls")

    browser.driver.switch_to.window(seen["docs_tab"])
    execute(
        browser, NBB_REFERENCES.format(tenant=tenant), {"enterpriseNumber": "0000000592", "year": ""}, "503"
    )
    wanted = {"tenant": tenant, "operation": "getReferencesByLegalEntity"}
    entry = httpx.get(f"{browser.base_url}/__sandbox/journal", params=wanted).json()["entries"][-1]
    assert entry["status"] == 503 and entry["fault"] and entry["clock"].startswith(expected[:19])
    execute(
        browser, NBB_REFERENCES.format(tenant=tenant), {"enterpriseNumber": "0000000592", "year": ""}, "200"
    )

    browser.driver.switch_to.window(seen["journal_tab"])
    browser.open(f"/console/controls?tenant={tenant}")
    browser.wait(lambda: browser.css("#faults tbody tr[data-fault]"), what="the spent fault")
    browser.css("#faults-clear").click()
    browser.wait(lambda: browser.status() == "Every fault cleared.", what="the faults cleared")
    assert browser.all("#faults tbody tr") == []
    assert httpx.get(f"{browser.base_url}/__sandbox/tenants/{tenant}/faults").json() == []


def test_every_try_it_call_sends_a_fresh_request_id(browser, seen):
    tenant = seen["tenant"]
    wanted = {"tenant": tenant, "operation": "getReferencesByLegalEntity"}
    entries = httpx.get(f"{browser.base_url}/__sandbox/journal", params=wanted).json()["entries"]
    sent = [v for e in entries for k, v in e["request"]["headers"] if k.lower() == "x-request-id"]
    assert len(sent) == len(entries) >= 3  # the calls of the steps before, each with one
    assert len(set(sent)) == len(sent) and all(uuid.UUID(v).version == 4 for v in sent)
    assert "6457dc94-0b98-4c1a-b5f8-98d8627b5177" not in sent  # the spec's example, which the form shows
    report = httpx.get(f"{browser.base_url}/__sandbox/tenants/{tenant}/contracts").json()
    verdict = next(c for c in report["checks"] if c["name"] == "nbb_fresh_request_id")
    assert verdict["outcome"] == "passed", verdict


def test_a_sandbox_action_runs_from_its_generated_form(browser, seen):
    tenant = seen["tenant"]
    browser.open(f"/console/controls?tenant={tenant}")
    form = browser.wait(
        lambda: browser.css("form.action[data-api=fod-myminfin][data-action=set-mode]"), what="the actions"
    )
    form.find_element("css selector", 'select[name=mode] option[value="\\"preview\\""]').click()
    form.find_element("css selector", "button[type=submit]").click()
    result = browser.wait(
        lambda: form.find_element("css selector", "pre.result.ok").text, what="the action's result"
    )
    assert '"mode": "preview"' in result
    browser.driver.execute_script("arguments[0].scrollIntoView()", form)
    browser.shot("09-action")


def test_the_contract_report_of_a_careless_client_leads_to_the_exchange(browser, seen):
    tenant = seen["tenant"]
    extracts_key = nbb_key(browser, tenant, "extractsKey")
    # today's batch (on the tenant clock), and no X-Request-Id: two rules broken
    careless = httpx.get(
        f"{browser.base_url}/nbb/extracts/batch/2026-03-02/references",
        headers={"NBB-CBSO-Subscription-Key": extracts_key, "Accept": "application/x.zip+json"},
    )
    assert careless.status_code == 400
    browser.open(f"/console/contracts?tenant={tenant}")
    failed = browser.wait(lambda: browser.css("tr[data-check=nbb_dates_in_range].failed"), what="the report")
    assert "asked for today, 2026-03-02" in failed.text
    assert "apis/nbb-cbso.md" in failed.text  # the rule's source
    assert browser.css("tr[data-check=nbb_fresh_request_id]").get_attribute("class").endswith("failed")
    browser.shot("10-contracts")
    link = failed.find_element("css selector", "a.exchange-link")
    seq = link.text.split()[0].lstrip("#")
    link.click()
    panel = browser.wait(lambda: browser.css("#exchange:not([hidden])"), what="the exchange of the failure")
    assert panel.text.startswith(f"#{seq} GET /nbb/extracts/batch/2026-03-02/references → 400")
    assert "selected" in browser.css(f"#exchange-{seq}").get_attribute("class")
    browser.shot("11-journal-from-contracts")


def set_filter(browser, name: str, value: str) -> None:
    browser.driver.execute_script(
        "const field = document.querySelector(`#journal-filters [name=${arguments[0]}]`);"
        "field.value = arguments[1]; field.dispatchEvent(new Event('input', {bubbles: true}));",
        name,
        value,
    )


def test_the_journal_filters_by_api_operation_status_and_time(browser, seen):
    browser.open(f"/console/journal?tenant={seen['tenant']}")
    browser.wait(lambda: len(rows(browser)) > 5, what="the journal")
    every = len(rows(browser))
    set_filter(browser, "api", "identity")
    browser.wait(
        lambda: rows(browser) and all(" identity " in r for r in rows(browser)), what="the API filter"
    )
    set_filter(browser, "api", "")
    set_filter(browser, "status", "5xx")
    browser.wait(lambda: len(rows(browser)) == 1 and " 503 " in rows(browser)[0], what="the status filter")
    set_filter(browser, "status", "")
    set_filter(browser, "operation", "getExtractReferences")
    browser.wait(lambda: len(rows(browser)) == 2, what="the operation filter")
    set_filter(browser, "operation", "")
    set_filter(browser, "until", "2000-01-01T00:00:00")
    browser.wait(lambda: rows(browser) == [], what="the time filter")
    set_filter(browser, "until", "")
    browser.wait(lambda: len(rows(browser)) == every, what="every exchange again")


def test_a_tenant_is_reset_and_another_deleted(browser, seen):
    tenant = seen["tenant"]
    doomed = httpx.post(f"{browser.base_url}/__sandbox/tenants", json={"name": "Doomed"}).json()["id"]
    browser.open(f"/console/tenants?tenant={tenant}")
    browser.wait(lambda: browser.css(f"tr[data-tenant={doomed}] button.delete"), what="the tenants").click()
    browser.driver.switch_to.alert.accept()
    browser.wait(lambda: browser.status() == f"Tenant {doomed} deleted.", what="the deletion")
    assert not browser.all(f"tr[data-tenant={doomed}]")
    assert httpx.get(f"{browser.base_url}/__sandbox/tenants/{doomed}").status_code == 404

    browser.css(f"tr[data-tenant={tenant}] button.reset").click()
    browser.wait(lambda: browser.status().startswith(f"Tenant {tenant} reset"), what="the reset")
    journal = httpx.get(f"{browser.base_url}/__sandbox/journal", params={"tenant": tenant}).json()
    assert journal["entries"] == []
    browser.shot("13-tenant-reset")


def test_no_page_asked_anything_of_another_host(browser):
    assert browser.collect_requests(), "the performance log recorded no request"
    assert browser.foreign_requests() == []
    assert browser.script_errors() == []
