"""Get Documents over HTTP: the pod client, the feed of active mandates, acknowledging up to an
offset, the redownload feed, downloads in every format, and new documents as the clock moves."""

from datetime import date

import pytest

from tests.codabox.v2 import ACCOUNTANT, BASE, advance, demo_world, feed
from tests.conftest import make_client


@pytest.fixture
def client():
    return make_client()


def _download(client, entry: dict, fmt: str, kind: str = "download", accept: str = "*/*"):
    url = f"{BASE}/delivery/{kind}/{entry['feed_index']}/{fmt}/"
    return client.get(url, headers={**ACCOUNTANT, "Accept": accept})


def test_the_pod_client_names_the_feed_its_delay_formats_and_clients(client):
    world = demo_world(client)
    pod = client.get(f"{BASE}/delivery/pod-client/", headers=ACCOUNTANT).json()
    assert pod["id"] == 1 and pod["fetch_delay"] == 7200
    assert pod["allowed_formats"]["coda"] == ["cod", "pdf", "xml"]
    assert pod["allowed_formats"]["soda"] == ["pdf", "xml"]
    office = world.offices[0]
    assert [c["client_id"] for c in pod["feed_clients"]] == [c.id for c in world.clients(office.id)]
    assert {c["fiduciary_id"] for c in pod["feed_clients"]} == {office.id}


def test_the_feed_holds_documents_of_active_mandates_only(client):
    world = demo_world(client)
    now = client.app.state.services.settings.now
    entries = feed(client)["feed_entries"]
    assert entries and len(entries) <= 100
    never_signs = next(c for c in world.clients(world.offices[0].id) if c.never_signs)
    assert never_signs.id not in {e["client_id"] for e in entries}
    for entry in entries:
        if entry["document_model"] == "coda":
            mandate = world.bank_account_mandate(entry["metadata"]["iban"])
            assert mandate.state_at(now) in ("active", "archived")


def test_coda_metadata_matches_the_file(client):
    entry = next(e for e in feed(client)["feed_entries"] if e["document_model"] == "coda")
    answer = _download(client, entry, "cod")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/vnd.coda"
    lines = answer.content.decode("windows-1252").splitlines()
    assert all(len(line) == 128 for line in lines)
    meta = entry["metadata"]
    assert lines[1][5:21] == meta["iban"] and lines[0][60:71].strip() == meta["bank_id"]
    assert sum(1 for line in lines if line.startswith("21")) == meta["movement_count"]
    new_balance = lines[-2]
    day = date.fromisoformat(meta["new_balance_date"])
    assert new_balance[0] == "8" and new_balance[57:63] == f"{day:%d%m%y}"
    assert int(lines[1][125:128]) == meta["first_statement_number"] % 1000


def test_every_model_downloads_in_each_of_its_formats_whatever_accept_says(client):
    entries = feed(client)["feed_entries"]
    seen = set()
    for entry in entries:
        model = entry["document_model"]
        if model in seen:
            continue
        seen.add(model)
        for fmt, media in {
            "cod": "application/vnd.coda",
            "xml": "application/xml",
            "pdf": "application/pdf",
        }.items():
            if model != "coda" and fmt == "cod":
                continue
            answer = _download(client, entry, fmt, accept="application/json")
            assert (answer.status_code, answer.headers["content-type"]) == (200, media), (model, fmt)
            assert answer.content.startswith(b"%PDF" if fmt == "pdf" else b"<?xml" if fmt == "xml" else b"0")
    assert {"coda", "purchase_invoice", "sales_invoice"} <= seen


def test_an_unknown_format_or_index_is_404_with_detail(client):
    entry = next(e for e in feed(client)["feed_entries"] if e["document_model"] != "coda")
    answer = _download(client, entry, "cod")
    assert answer.status_code == 404 and "has no format 'cod'" in answer.json()["detail"]
    answer = _download(client, {"feed_index": "no-such-entry"}, "pdf")
    assert answer.status_code == 404 and answer.json() == {"detail": "No document no-such-entry in your feed"}


def test_an_unknown_feed_is_404(client):
    answer = client.get(f"{BASE}/delivery/feed/99/", headers=ACCOUNTANT)
    assert answer.status_code == 404 and answer.json()["detail"] == "No feed 99: yours is 1"


def test_acknowledging_moves_every_entry_up_to_the_offset_to_the_redownload_feed(client):
    entries = feed(client)["feed_entries"]
    offset = entries[4]["feed_index"]
    answer = client.put(f"{BASE}/delivery/feed/1", json={"feed_offset": offset}, headers=ACCOUNTANT)
    assert answer.json() == {"id": 1, "feed_offset": offset}
    left = feed(client)["feed_entries"]
    assert [e["feed_index"] for e in left[:3]] == [e["feed_index"] for e in entries[5:8]]
    delivered = feed(client, "redownload-feed")
    assert delivered["type"] == "redownload"
    assert [e["feed_index"] for e in delivered["feed_entries"]] == [e["feed_index"] for e in entries[:5]]
    again = _download(client, entries[0], "pdf", kind="redownload")
    assert again.status_code == 200 and again.content == _download(client, entries[0], "pdf").content


def test_polling_without_acknowledging_loses_nothing(client):
    first = feed(client)["feed_entries"]
    assert feed(client)["feed_entries"] == first


def test_an_offset_that_is_not_in_the_feed_is_refused(client):
    answer = client.put(f"{BASE}/delivery/feed/1/", json={"feed_offset": "nope"}, headers=ACCOUNTANT)
    assert answer.status_code == 400 and answer.json() == {
        "detail": "feed_offset nope is not an entry of your feed"
    }


def test_redownload_of_an_undelivered_document_is_404(client):
    entry = feed(client)["feed_entries"][0]
    answer = _download(client, entry, "pdf", kind="redownload")
    assert answer.status_code == 404 and "not delivered yet" in answer.json()["detail"]


def test_the_redownload_feed_takes_the_valuya_put_and_answers_id_and_offset(client):
    entries = feed(client)["feed_entries"]
    client.put(f"{BASE}/delivery/feed/1/", json={"feed_offset": entries[2]["feed_index"]}, headers=ACCOUNTANT)
    body = {"feed_offset": entries[1]["feed_index"], "id": 1}
    answer = client.put(f"{BASE}/delivery/redownload-feed/1/", json=body, headers=ACCOUNTANT)
    assert answer.json() == {"id": 1, "feed_offset": entries[1]["feed_index"]}
    left = feed(client, "redownload-feed")["feed_entries"]
    assert [e["feed_index"] for e in left] == [entries[2]["feed_index"]]
    undelivered = {"feed_offset": entries[3]["feed_index"]}
    refused = client.put(f"{BASE}/delivery/redownload-feed/1/", json=undelivered, headers=ACCOUNTANT)
    assert refused.status_code == 400 and "redownload feed" in refused.json()["detail"]


def test_new_documents_appear_as_the_clock_moves(client):
    entries = feed(client)["feed_entries"]
    client.put(
        f"{BASE}/delivery/feed/1/", json={"feed_offset": entries[-1]["feed_index"]}, headers=ACCOUNTANT
    )
    while feed(client)["feed_entries"]:
        last = feed(client)["feed_entries"][-1]["feed_index"]
        client.put(f"{BASE}/delivery/feed/1/", json={"feed_offset": last}, headers=ACCOUNTANT)
    advance(client, 3 * 86400)
    fresh = feed(client)["feed_entries"]
    assert any(e["document_model"] == "coda" for e in fresh)
    assert not {e["feed_index"] for e in fresh} & {e["feed_index"] for e in entries}


def test_the_accounting_package_walk(client):
    """Pod client, feed, every format of every entry, acknowledge, redownload: as a vendor's client."""
    pod = client.get(f"{BASE}/delivery/pod-client", headers=ACCOUNTANT).json()
    entries = client.get(f"{BASE}/delivery/feed/{pod['id']}", headers=ACCOUNTANT).json()["feed_entries"][:12]
    files = {}
    for entry in entries:
        for fmt in pod["allowed_formats"][entry["document_model"]]:
            answer = _download(client, entry, fmt)
            assert answer.status_code == 200
            files[entry["feed_index"], fmt] = answer.content
    last = entries[-1]["feed_index"]
    acked = client.put(f"{BASE}/delivery/feed/{pod['id']}/", json={"feed_offset": last}, headers=ACCOUNTANT)
    assert acked.json() == {"id": pod["id"], "feed_offset": last}
    delivered = feed(client, "redownload-feed")["feed_entries"]
    assert [e["feed_index"] for e in delivered] == [e["feed_index"] for e in entries]
    for (index, fmt), content in files.items():
        assert _download(client, {"feed_index": index}, fmt, kind="redownload").content == content
