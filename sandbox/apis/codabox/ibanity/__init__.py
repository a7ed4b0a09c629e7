"""What every Ibanity product of the sandbox shares (CodaBox Connect, CodaBox BankConnect), so that a
second product's spec and handlers use it unchanged:

- `errors`: the JSON:API error body, the codes every product answers, `refuse(code, detail, attribute)`;
- `jsonapi`: resources, documents, instants as Ibanity writes them, and cursor paging;
- `idempotency`: `@idempotent` on a POST handler honours `Ibanity-Idempotency-Key`;
- `oauth`: the product's `oauth2/token` endpoint (client credentials, HTTP Basic);
- `contracts`: the checks of a vendor's Ibanity client (idempotency keys, retries).

A product's spec declares `request-id-header: ibanity-request-id` (every answer carries one), takes
request bodies as `application/vnd.api+json` and `application/json`, and renders errors with
`render_error`.
"""

from sandbox.apis.codabox.ibanity.errors import (
    CATALOGUE,
    JSON_API,
    NOT_FOUND,
    VALIDATION_ERROR,
    error_body,
    refuse,
    render_error,
)
from sandbox.apis.codabox.ibanity.idempotency import HEADER as IDEMPOTENCY_HEADER
from sandbox.apis.codabox.ibanity.idempotency import idempotent
from sandbox.apis.codabox.ibanity.jsonapi import (
    CursorPage,
    cursor_page,
    document,
    identifier,
    instant,
    paging_links,
    paging_meta,
    resource,
)
from sandbox.apis.codabox.ibanity.oauth import client_credentials_token

__all__ = [
    "CATALOGUE",
    "IDEMPOTENCY_HEADER",
    "JSON_API",
    "NOT_FOUND",
    "VALIDATION_ERROR",
    "CursorPage",
    "client_credentials_token",
    "cursor_page",
    "document",
    "error_body",
    "idempotent",
    "identifier",
    "instant",
    "paging_links",
    "paging_meta",
    "refuse",
    "render_error",
    "resource",
]
