"""A careless client: it works, yet breaks rules the real NBB service expects clients to keep.
The contract checks name each broken rule and the exchanges that broke it.

It is the good client (examples/good_client.py) with two habits changed:

- one X-Request-Id for the whole session, so NBB support cannot tell its requests apart;
- a 429 retried after a fixed 100 ms, whatever Retry-After says.

    python -m examples.careless_client --url http://127.0.0.1:8000 --tenant t-1234
    sandbox verify --url http://127.0.0.1:8000 --tenant t-1234    # exits 1, listing the broken rules
"""

from __future__ import annotations

import argparse
import uuid

import httpx

from examples.good_client import NbbClient, nbb_keys, run_nbb

FIXED_PAUSE = 0.1  # seconds between retries, whatever the server asks


class CarelessNbbClient(NbbClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request_id = str(uuid.uuid4())  # made once, sent with every request

    def _get(self, product: str, path: str, accept: str, **params) -> httpx.Response:
        headers = {
            "NBB-CBSO-Subscription-Key": self.keys[product],
            "X-Request-Id": self.request_id,
            "Accept": accept,
        }
        for _ in range(self.retries):
            response = self.http.get(f"/{product}{path}", params=params, headers=headers)
            if response.status_code != 429:
                return response
            self.sleep(FIXED_PAUSE)
        return self.http.get(f"/{product}{path}", params=params, headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the sandbox's base URL")
    parser.add_argument("--tenant", required=True, help="a tenant made with POST /__sandbox/tenants")
    options = parser.parse_args()
    credentials = httpx.get(f"{options.url}/__sandbox/tenants/{options.tenant}").raise_for_status().json()
    client = CarelessNbbClient(f"{options.url}/nbb", nbb_keys(credentials["credentials"]))
    try:
        run_nbb(client)
    finally:
        client.close()
    print(f"done; now run: sandbox verify --url {options.url} --tenant {options.tenant}")


if __name__ == "__main__":
    main()
