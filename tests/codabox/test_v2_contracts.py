"""The contract checks of a CodaBox client, judged from the journal of real exchanges."""

import pytest

from tests.codabox.v2 import ACCOUNTANT, BASE, KEY, advance, feed
from tests.conftest import make_client

CHECKS = [
    "codabox_software_key_on_every_call",
    "codabox_acknowledges_what_it_downloaded",
    "codabox_polls_no_faster_than_fetch_delay",
    "codabox_no_redownload_loop",
]


@pytest.fixture
def client():
    return make_client()


def _verdicts(client) -> dict[str, dict]:
    report = client.get("/__sandbox/tenants/demo/contracts", params={"check": CHECKS}).json()
    return {c["name"]: c for c in report["checks"]}


def _messages(verdict: dict) -> list[str]:
    return [f["message"] for f in verdict["findings"]]


def _download(client, index: str) -> None:
    assert client.get(f"{BASE}/delivery/download/{index}/pdf/", headers=ACCOUNTANT).status_code == 200


def _ack(client, index: str) -> None:
    client.put(f"{BASE}/delivery/feed/1/", json={"feed_offset": index}, headers=ACCOUNTANT)


def test_a_careful_client_passes_every_check(client):
    client.get(f"{BASE}/delivery/pod-client/", headers=ACCOUNTANT)
    entries = feed(client)["feed_entries"][:3]
    for entry in entries:
        _download(client, entry["feed_index"])
    _ack(client, entries[-1]["feed_index"])
    advance(client, 7200)
    feed(client)
    client.get(f"{BASE}/delivery/redownload/{entries[0]['feed_index']}/pdf/", headers=ACCOUNTANT)
    verdicts = _verdicts(client)
    assert {name: v["outcome"] for name, v in verdicts.items()} == dict.fromkeys(CHECKS, "passed")


def test_acknowledging_past_undownloaded_entries_and_never_acknowledging_fail(client):
    entries = feed(client)["feed_entries"]
    _download(client, entries[0]["feed_index"])
    _ack(client, entries[1]["feed_index"])
    _download(client, entries[5]["feed_index"])
    verdict = _verdicts(client)["codabox_acknowledges_what_it_downloaded"]
    assert verdict["outcome"] == "failed"
    assert _messages(verdict) == [
        f"feed_offset {entries[1]['feed_index']} acknowledged 1 entr(y/ies) never downloaded: "
        f"{entries[1]['feed_index']}; download an entry before acknowledging it",
        f"1 downloaded entr(y/ies) were never acknowledged: {entries[5]['feed_index']}; PUT the feed's "
        "feed_offset once they are stored, or CodaBox keeps offering them",
    ]


def test_acknowledging_a_whole_page_of_a_hundred_entries_is_judged_entry_by_entry(client):
    entries = feed(client)["feed_entries"]
    assert len(entries) == 100
    skipped = entries[60]["feed_index"]
    for entry in entries:
        if entry["feed_index"] != skipped:
            url = f"{BASE}/delivery/download/{entry['feed_index']}/xml/"
            assert client.get(url, headers=ACCOUNTANT).status_code == 200
    _ack(client, entries[-1]["feed_index"])
    journal = client.get("/__sandbox/journal", params={"operation": "acknowledgeFeed"}).json()
    notes = journal["entries"][-1]["notes"]
    assert notes == {"acknowledged": [e["feed_index"] for e in entries], "acknowledged_count": 100}
    verdict = _verdicts(client)["codabox_acknowledges_what_it_downloaded"]
    assert _messages(verdict) == [
        f"feed_offset {entries[-1]['feed_index']} acknowledged 1 entr(y/ies) never downloaded: "
        f"{skipped}; download an entry before acknowledging it"
    ]


def test_acknowledging_a_whole_downloaded_page_passes(client):
    entries = feed(client)["feed_entries"]
    for entry in entries:
        client.get(f"{BASE}/delivery/download/{entry['feed_index']}/xml/", headers=ACCOUNTANT)
    _ack(client, entries[-1]["feed_index"])
    _ack(client, entries[10]["feed_index"])  # behind the offset already acknowledged: covers nothing new
    verdict = _verdicts(client)["codabox_acknowledges_what_it_downloaded"]
    assert (verdict["outcome"], verdict["findings"]) == ("passed", [])


def test_polling_sooner_than_fetch_delay_is_answered_and_reported(client):
    client.put(f"{BASE}/delivery/feed/1/", json={"feed_offset": "x"}, headers=ACCOUNTANT)
    drained = feed(client)["feed_entries"]
    while drained:
        _ack(client, drained[-1]["feed_index"])
        drained = feed(client)["feed_entries"]
    advance(client, 60)
    again = client.get(f"{BASE}/delivery/feed/1/", headers=ACCOUNTANT)
    assert again.status_code == 200
    verdict = _verdicts(client)["codabox_polls_no_faster_than_fetch_delay"]
    assert verdict["outcome"] == "failed"
    assert _messages(verdict)[0].endswith("left nothing waiting: wait fetch_delay between polls")


def test_a_redownload_loop_and_a_missing_key_are_reported(client):
    entries = feed(client)["feed_entries"]
    _download(client, entries[0]["feed_index"])
    _ack(client, entries[0]["feed_index"])
    for _ in range(5):
        client.get(f"{BASE}/delivery/redownload/{entries[0]['feed_index']}/pdf/", headers=ACCOUNTANT)
    no_key = {"Authorization": ACCOUNTANT["Authorization"]}
    client.get(f"{BASE}/clients/", headers=no_key)
    client.get(f"{BASE}/get-credentials/abc/", headers=KEY)
    verdicts = _verdicts(client)
    assert _messages(verdicts["codabox_no_redownload_loop"]) == [
        f"1 file(s) were redownloaded more than 3 times: {entries[0]['feed_index']}/pdf (5×); keep what you "
        "fetched instead of fetching it again"
    ]
    assert _messages(verdicts["codabox_software_key_on_every_call"]) == [
        "1 call(s) had no X-Software-Company header: send it on every call"
    ]
