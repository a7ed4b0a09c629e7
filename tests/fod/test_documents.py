"""MyMinfin documents: filters, paging, metadata and content with a matching digest."""

import base64
import hashlib

from tests.fod.conftest import ACCOUNTANT, BAKERY, BREWERY, GARAGE, MMF, advance, bearer, user_token


def documents(fod, token, dossier=BAKERY, **params):
    response = fod.get(f"{MMF}/dossiers/{dossier}/documents", headers=token, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_documents_are_newest_first_and_paged_up_to_100(fod, accountant):
    first = documents(fod, accountant, pageSize=10)
    assert first["page"] == 1 and first["pageSize"] == 10 and len(first["items"]) == 10
    total = first["totalItems"]
    assert total > 60  # one every 9 days since 2025-01-06
    dates = [d["receiptDate"] for d in first["items"]]
    assert dates == sorted(dates, reverse=True)
    last = documents(fod, accountant, pageSize=10, page=(total + 9) // 10)
    assert len(last["items"]) == (total % 10 or 10)
    everything = documents(fod, accountant, pageSize=100)
    assert len(everything["items"]) == min(100, total)
    too_big = fod.get(f"{MMF}/dossiers/{BAKERY}/documents", headers=accountant, params={"pageSize": 101})
    assert too_big.status_code == 400


def test_filters_on_period_type_read_status_and_text(fod, accountant):
    march = documents(fod, accountant, receivedAfter="2026-03-01", receivedBefore="2026-04-01", pageSize=100)
    assert march["items"] and all(d["receiptDate"][:7] == "2026-03" for d in march["items"])
    kind = documents(fod, accountant, documentTypeId="payment-notice", pageSize=100)
    assert kind["items"] and {d["documentTypeId"] for d in kind["items"]} == {"payment-notice"}
    word = kind["items"][0]["title"].split()[0]
    assert all(
        word.lower() in d["title"].lower() for d in documents(fod, accountant, q=word, pageSize=100)["items"]
    )
    assert documents(fod, accountant, readStatus="read")["totalItems"] == 0
    doc = kind["items"][0]
    fod.get(doc["contentHref"].replace("http://testserver", ""), headers=accountant)
    read = documents(fod, accountant, readStatus="read")
    assert [d["documentId"] for d in read["items"]] == [doc["documentId"]]
    unread = documents(fod, accountant, readStatus="unread")["totalItems"]
    assert unread == documents(fod, accountant)["totalItems"] - 1


def test_documents_are_in_the_owners_language(fod, accountant):
    dutch = documents(fod, accountant, BAKERY)["items"]
    german = documents(fod, accountant, BREWERY)["items"]
    assert {d["language"] for d in dutch} == {"nl"} and {d["language"] for d in german} == {"de"}


def test_content_is_a_pdf_or_xml_whose_sha256_is_the_digest(fod, accountant):
    items = documents(fod, accountant, pageSize=100)["items"]
    for media_type in ("application/pdf", "text/xml"):
        doc = next(d for d in items if d["mediaType"] == media_type)
        meta = fod.get(f"{MMF}/dossiers/{BAKERY}/documents/{doc['documentId']}", headers=accountant).json()
        body = fod.get(f"{MMF}/dossiers/{BAKERY}/documents/{doc['documentId']}/content", headers=accountant)
        assert body.status_code == 200 and body.headers["content-type"].startswith(media_type)
        assert body.content.startswith(b"%PDF-" if media_type == "application/pdf" else b"<?xml")
        digest = base64.urlsafe_b64encode(hashlib.sha256(body.content).digest()).rstrip(b"=").decode()
        assert meta["digest"] == {"digestMethod": "sha_256", "digestValue": digest}
        assert meta["size"] == len(body.content)


def test_new_documents_arrive_as_the_clock_moves(fod, accountant):
    before = documents(fod, accountant)["totalItems"]
    advance(fod, 10 * 86400)
    token = bearer(user_token(fod, ACCOUNTANT))
    after = documents(fod, token)
    assert after["totalItems"] == before + 1
    assert (
        after["items"][0]["receiptDate"]
        > documents(fod, token, receivedBefore="2026-11-18")["items"][0]["receiptDate"]
    )


def test_a_document_of_a_dossier_the_user_may_not_see_is_404(fod, accountant):
    garage = bearer(user_token(fod, GARAGE))
    doc = documents(fod, garage, GARAGE)["items"][0]
    for path in ("", "/content"):
        response = fod.get(f"{MMF}/dossiers/{GARAGE}/documents/{doc['documentId']}{path}", headers=accountant)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    # nor through a dossier the user does see
    response = fod.get(f"{MMF}/dossiers/{BAKERY}/documents/{doc['documentId']}", headers=accountant)
    assert response.status_code == 404
