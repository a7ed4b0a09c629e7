"""A careless client: it works, yet breaks rules the real services expect clients to keep. The
contract checks name each broken rule and the exchanges that broke it.

It is the good client (examples/good_client.py) with four habits changed:

- NBB: one X-Request-Id for the whole session, so NBB support cannot tell its requests apart;
- NBB: a 429 retried after a fixed 100 ms, whatever Retry-After says;
- Informat: a new access token for every request;
- Informat: a PDF job polled every 100 ms, whatever Retry-After says.

    python -m examples.careless_client --url http://127.0.0.1:8000 --tenant t-1234
    sandbox verify --url http://127.0.0.1:8000 --tenant t-1234    # exits 1, listing the broken rules
"""

from __future__ import annotations

import time
import uuid

import httpx

from examples import good_client
from examples.good_client import InformatBillsClient, NbbClient

FIXED_PAUSE = 0.1  # seconds between retries and polls, whatever the server asks


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
            time.sleep(FIXED_PAUSE)
        return self.http.get(f"/{product}{path}", params=params, headers=headers)


class CarelessInformatBillsClient(InformatBillsClient):
    def access_token(self) -> str:
        self.token = None  # forgets the token it has, so every request fetches a new one
        return super().access_token()

    def bill_pdf(self, bill_id: str) -> bytes:
        answer = self.call("POST", f"/1/bills/{bill_id}/pdf").raise_for_status()
        job_url = answer.headers["Location"]
        while answer.status_code == 202:
            time.sleep(FIXED_PAUSE)
            answer = self.call("GET", job_url).raise_for_status()
        return self.call("GET", answer.json()["pdfUrl"]).raise_for_status().content


if __name__ == "__main__":
    good_client.main(CarelessNbbClient, CarelessInformatBillsClient, __doc__.split("\n\n")[0])
