"""The vendor's API as the audit sees it: its OpenAPI document, where it runs, a token, and the
operations of each resource seed 003 item 4 names, found in the document by their paths."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import yaml

# Each resource, and words its collection's path segment may hold (English, Dutch, Moneybird's and
# Exact Online's names), in the order they are tried: the more specific first.
RESOURCES: dict[str, tuple[str, ...]] = {
    "invoice_profiles": ("invoiceprofile", "factuurprofiel", "documentstyle", "layout"),
    "payment_conditions": ("paymentcondition", "paymentterm", "betaalconditie", "workflow"),
    "vat_rates": ("vatrate", "vatcode", "taxrate", "btw", "vat"),
    "ledger_accounts": ("ledgeraccount", "glaccount", "grootboek", "ledger"),
    "journals": ("journal", "dagboek"),
    "debtors": ("contact", "debtor", "debiteur", "customer", "relation"),
    "transactions": ("financialtransaction", "transaction", "salesinvoice", "invoice", "booking"),
    "products": ("product", "article", "item"),
}
METHODS = ("get", "post", "put", "patch", "delete")


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


@dataclass
class Endpoints:
    """The operations of one resource: its collection's path, and whether it lists, reads one by
    id and adds; plus the query parameters of its list."""

    collection: str | None = None
    item: str | None = None
    creates: bool = False
    query: dict[str, dict] = field(default_factory=dict)
    create_schema: dict | None = None


class AuditError(Exception):
    """The audit cannot start: the document or the API cannot be reached, or no token is had."""


@dataclass
class Target:
    openapi_url: str
    base_url: str
    http: httpx.Client
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    token: str | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    document: dict = field(default_factory=dict)
    token_error: str | None = None

    # -- the document ------------------------------------------------------------------------------
    def load(self) -> None:
        try:
            answer = self.http.get(self.openapi_url)
        except httpx.HTTPError as exc:
            raise AuditError(f"cannot read the OpenAPI document at {self.openapi_url}: {exc}") from exc
        if answer.status_code != 200:
            raise AuditError(f"the OpenAPI document at {self.openapi_url} answered {answer.status_code}")
        try:
            self.document = yaml.safe_load(answer.text)
        except yaml.YAMLError as exc:
            raise AuditError(f"the document at {self.openapi_url} is not YAML or JSON: {exc}") from exc
        if not isinstance(self.document, dict) or "paths" not in self.document:
            raise AuditError(f"the document at {self.openapi_url} is not an OpenAPI document (no paths)")

    def resolve(self, node: Any) -> Any:
        """A schema with its local `$ref` followed."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = (
                    target.get(part.replace("~1", "/").replace("~0", "~"), {})
                    if isinstance(target, dict)
                    else {}
                )
            node, seen = target, seen + 1
        return node

    def operations(self):
        for path, item in (self.document.get("paths") or {}).items():
            for method in METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    yield path, method, item[method], item.get("parameters", [])

    def endpoints(self) -> dict[str, Endpoints]:
        found = {name: Endpoints() for name in RESOURCES}
        for path, method, op, shared in self.operations():
            segments = _segments(path)
            literal = [s for s in segments if not _is_param(s)]
            if not literal:
                continue
            resource = self._resource(literal[-1])
            if resource is None:
                continue
            ends_in_param = _is_param(segments[-1])
            own = found[resource]
            if not ends_in_param and method == "get" and own.collection is None:
                own.collection = path
                params = [self.resolve(p) for p in [*shared, *op.get("parameters", [])]]
                own.query = {p["name"]: p for p in params if isinstance(p, dict) and p.get("in") == "query"}
            elif not ends_in_param and method == "post":
                own.creates = True
                own.collection = own.collection or path
                content = self.resolve(op.get("requestBody") or {}).get("content") or {}
                media = content.get("application/json") or next(iter(content.values()), {})
                own.create_schema = self.resolve(media.get("schema")) if media else None
            elif ends_in_param and method == "get" and segments[-2:-1] == [literal[-1]] and own.item is None:
                own.item = path
        return found

    @staticmethod
    def _resource(segment: str) -> str | None:
        word = _plain(segment.removesuffix(".json"))
        for name, words in RESOURCES.items():
            if any(w in word for w in words):
                return name
        return None

    # -- the running API ---------------------------------------------------------------------------
    def obtain_token(self) -> bool:
        if self.token:
            return True
        if not (self.token_url and self.client_id and self.client_secret):
            self.token_error = (
                "no token and no client credentials were given (--token, or --token-url with a client)"
            )
            return False
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        if self.scope:
            form["scope"] = self.scope
        try:
            answer = self.http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            self.token_error = f"the token endpoint cannot be reached: {exc}"
            return False
        token = answer.json().get("access_token") if _is_json(answer) else None
        if answer.status_code != 200 or not token:
            self.token_error = f"the token endpoint answered {answer.status_code}: {answer.text[:200]}"
            return False
        self.token = token
        return True

    def url(self, path: str, **values: str) -> str:
        def fill(match: re.Match) -> str:
            name = match[1]
            return str(values.get(name) or self.path_params.get(name) or self._guess(name) or match[0])

        return self.base_url.rstrip("/") + re.sub(r"\{([^{}]+)\}", fill, path)

    def _guess(self, name: str) -> str | None:
        """A path parameter the user did not give (an administration id): the first record of the
        collection it names, when the document has one."""
        root = _plain(name.removesuffix("_id").removesuffix("Id").removesuffix("id"))
        for path, method, _, _ in self.operations():
            segments = _segments(path)
            listed = method == "get" and segments and not any(map(_is_param, segments))
            if listed and _plain(segments[-1]).startswith(root):
                records = records_of(self.request("GET", self.base_url.rstrip("/") + path))
                if records and "id" in records[0]:
                    self.path_params[name] = str(records[0]["id"])
                    return self.path_params[name]
        return None

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        headers = {"Accept": "application/json", **options.pop("headers", {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.http.request(method, url, headers=headers, **options)


def _is_json(answer: httpx.Response) -> bool:
    try:
        answer.json()
    except ValueError:
        return False
    return True


def body_of(answer: httpx.Response) -> Any:
    return answer.json() if _is_json(answer) else None


def records_of(answer: httpx.Response) -> list[dict]:
    """The records of a list answer: a bare array, or one wrapped as `data`, `items`, `results`,
    or OData's `{"d": {"results": [...]}}`."""
    body = body_of(answer)
    for _ in range(3):
        if isinstance(body, list):
            return [r for r in body if isinstance(r, dict)]
        if not isinstance(body, dict):
            return []
        body = next((body[k] for k in ("data", "items", "results", "d", "value") if k in body), None)
    return []
