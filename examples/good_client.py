"""A well-behaved client of the NBB CBSO Webservices and Informat's school bills (Rekeningen),
written with httpx: it passes every contract check it exercises.

NBB:
- one subscription key per product, sent on every request;
- a fresh UUID in X-Request-Id on every request, retries included;
- the format named in Accept;
- only past days asked for (Europe/Brussels), and a 404 for a day taken as "nothing (yet)";
- a 429 or 503 waited out for its Retry-After, other 5xx retried with a growing backoff; a 400
  never retried.

Informat school bills:
- one access token, kept until it expires; a new one only after a 401;
- a bill's PDF job polled with a growing interval, never sooner than Retry-After; polling stops
  when the PDF is ready, and the PDF is downloaded.

Run it against a sandbox tenant, then check it:

    python -m examples.good_client --url http://127.0.0.1:8000 --tenant t-1234
    sandbox verify --url http://127.0.0.1:8000 --tenant t-1234
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

BRUSSELS = ZoneInfo("Europe/Brussels")
RETRIED = (408, 425, 429, 500, 502, 503, 504)  # what NBB's public clients retry; never a 400
COMPANY = "0000000592"  # a magic company of the sandbox with JSON-XBRL filings


class NbbClient:
    """NBB CBSO Webservices: `base_url` is where the products live (e.g. https://ws.cbso.nbb.be),
    `keys` the subscription key of each product the client subscribed to."""

    def __init__(
        self,
        base_url: str,
        keys: dict[str, str],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        retries: int = 5,
    ) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=120)
        self.keys = keys
        self.now = now
        self.retries = retries

    def close(self) -> None:
        self.http.close()

    def _get(self, product: str, path: str, accept: str, **params) -> httpx.Response:
        backoff = 1.0
        for attempt in range(self.retries + 1):
            response = self.http.get(
                f"/{product}{path}",
                params=params,
                headers={
                    "NBB-CBSO-Subscription-Key": self.keys[product],
                    "X-Request-Id": str(uuid.uuid4()),  # a new one for every request, retries too
                    "Accept": accept,
                },
            )
            if response.status_code not in RETRIED or attempt == self.retries:
                return response
            wait = float(response.headers.get("Retry-After", backoff))
            time.sleep(max(wait, backoff))
            backoff = min(backoff * 2, 30)
        raise AssertionError("unreachable")

    def references(self, enterprise_number: str) -> list[dict]:
        response = self._get("authentic", f"/legalEntity/{enterprise_number}/references", "application/json")
        response.raise_for_status()
        return response.json()

    def accounting_data(self, reference: str, media_type: str = "application/x.jsonxbrl") -> bytes:
        response = self._get("authentic", f"/deposit/{reference}/accountingData", media_type)
        response.raise_for_status()
        return response.content

    def daily_references(self, day: date) -> bytes | None:
        """The zip of a publication day's references; None when the day has nothing (yet)."""
        today = self.now().astimezone(BRUSSELS).date()
        if day >= today:
            raise ValueError(f"{day} is not in the past: NBB publishes a day's batch the next day")
        response = self._get("extracts", f"/batch/{day}/references", "application/x.zip+json")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.content


def run_nbb(client: NbbClient) -> None:
    """What an integration test of the client does: a company's filings, a document in two
    formats, and yesterday's daily extract."""
    references = client.references(COMPANY)
    latest = references[-1]["ReferenceNumber"]
    client.accounting_data(latest)
    client.accounting_data(latest, "application/pdf")
    yesterday = client.now().astimezone(BRUSSELS).date() - timedelta(days=1)
    client.daily_references(yesterday)


class InformatBillsClient:
    """Informat's Rekeningen API: `base_url` where it lives (https://rekeningenapi.informatsoftware.be),
    `token_url` Informat's identity server, and the client credentials the school gave."""

    RENEW_BEFORE = 30  # seconds before expiry a token is renewed
    MAX_WAIT = 60  # seconds between two polls at most

    def __init__(self, base_url: str, token_url: str, client_id: str, client_secret: str, scope: str) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=60)
        self.token_url = token_url
        self.credentials = {"client_id": client_id, "client_secret": client_secret, "scope": scope}
        self.token: str | None = None
        self.expires = 0.0  # time.monotonic() when the token expires

    def close(self) -> None:
        self.http.close()

    def access_token(self) -> str:
        """The token held, or a new one when it is about to expire."""
        if self.token is None or time.monotonic() >= self.expires - self.RENEW_BEFORE:
            form = {"grant_type": "client_credentials", **self.credentials}
            answer = httpx.post(self.token_url, data=form, timeout=30).raise_for_status().json()
            self.token = answer["access_token"]
            self.expires = time.monotonic() + answer["expires_in"]
        return self.token

    def call(self, method: str, url: str, **options) -> httpx.Response:
        response = self._send(method, url, **options)
        if response.status_code == 401:  # revoked or expired early: authenticate again, once
            self.token = None
            response = self._send(method, url, **options)
        return response

    def _send(self, method: str, url: str, **options) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.access_token()}"}
        return self.http.request(method, url, headers=headers, **options)

    def bills(self, access_group: str) -> list[dict]:
        return (
            self.call("GET", "/1/bills", params={"accessGroup": access_group})
            .raise_for_status()
            .json()["bills"]
        )

    def bill_pdf(self, bill_id: str) -> bytes:
        """Ask for a bill's PDF, poll its job until it is ready, download it."""
        answer = self.call("POST", f"/1/bills/{bill_id}/pdf").raise_for_status()
        job_url = answer.headers["Location"]
        waited = 0.0
        while answer.status_code == 202:
            waited = min(max(float(answer.headers.get("Retry-After", 1)), waited * 1.5), self.MAX_WAIT)
            time.sleep(waited)
            answer = self.call("GET", job_url).raise_for_status()
        return self.call("GET", answer.json()["pdfUrl"]).raise_for_status().content


def run_informat(client: InformatBillsClient, access_group: str = "SJC-Secundair") -> None:
    """What an integration test of the client does: the bills of an access group, a bill's PDF."""
    bills = client.bills(access_group)
    assert client.bill_pdf(bills[-1]["billId"]).startswith(b"%PDF")


def nbb_keys(credentials: dict) -> dict[str, str]:
    """The NBB subscription keys of a sandbox tenant, by product."""
    products = {
        "authenticKey": "authentic",
        "extractsKey": "extracts",
        "authenticArchiveKey": "authentic-archive",
        "improvedKey": "improved",
        "improvedArchiveKey": "improved-archive",
    }
    return {products[scheme]: c["secret"] for scheme, c in credentials["nbb-cbso"].items()}


def clients(url: str, credentials: dict, nbb=NbbClient, bills=InformatBillsClient, **nbb_options):
    """The two clients, configured for a sandbox tenant's credentials at the sandbox's `url`."""
    oauth = credentials["oauth2"]["client"]
    return (
        nbb(f"{url}/nbb", nbb_keys(credentials), **nbb_options),
        bills(
            f"{url}/informat/rekeningen",
            f"{url}/oauth2/connect/token",
            oauth["client_id"],
            oauth["client_secret"],
            "api_informat_rekeningen.SJC-Secundair",
        ),
    )


def main(nbb=NbbClient, bills=InformatBillsClient, description: str = __doc__.split("\n\n")[0]) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the sandbox's base URL")
    parser.add_argument("--tenant", required=True, help="a tenant made with POST /__sandbox/tenants")
    options = parser.parse_args()
    # A real client has its credentials in its configuration; this one reads the tenant's.
    tenant = httpx.get(f"{options.url}/__sandbox/tenants/{options.tenant}").raise_for_status().json()
    nbb_client, bills_client = clients(options.url, tenant["credentials"], nbb, bills)
    try:
        run_nbb(nbb_client)
        run_informat(bills_client)
    finally:
        nbb_client.close()
        bills_client.close()
    print(f"done; now run: sandbox verify --url {options.url} --tenant {options.tenant}")


if __name__ == "__main__":
    main()
