"""A well-behaved client of the NBB CBSO Webservices, written with httpx: it passes every
contract check it exercises.

- one subscription key per product, sent on every request;
- a fresh UUID in X-Request-Id on every request, retries included;
- the format named in Accept;
- only past days asked for (Europe/Brussels), and a 404 for a day taken as "nothing (yet)";
- a 429 or 503 waited out for its Retry-After, other 5xx retried with a growing backoff; a 400
  never retried.

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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=120)
        self.keys = keys
        self.now = now
        self.retries = retries
        self.sleep = sleep

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
            self.sleep(max(wait, backoff))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the sandbox's base URL")
    parser.add_argument("--tenant", required=True, help="a tenant made with POST /__sandbox/tenants")
    options = parser.parse_args()
    # A real client has its credentials in its configuration; this one reads the tenant's.
    credentials = httpx.get(f"{options.url}/__sandbox/tenants/{options.tenant}").raise_for_status().json()
    client = NbbClient(f"{options.url}/nbb", nbb_keys(credentials["credentials"]))
    try:
        run_nbb(client)
    finally:
        client.close()
    print(f"done; now run: sandbox verify --url {options.url} --tenant {options.tenant}")


if __name__ == "__main__":
    main()
