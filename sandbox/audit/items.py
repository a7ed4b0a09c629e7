"""The nine items of seed 003, each judged against the vendor's running API and its document.

Writes happen only with `allow_writes`, and only of records marked as the audit's own: a debtor
named `SANDBOX AUDIT TEST (delete me)` with an `@example.com` address, and a transaction whose
reference starts with `SANDBOX-AUDIT-`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from sandbox.audit.report import AuditReport, ItemResult, Outcome
from sandbox.audit.target import Endpoints, Target, body_of, records_of

MARK = "SANDBOX AUDIT TEST (delete me)"
LIMIT_HEADERS = ("ratelimit-remaining", "x-ratelimit-remaining", "x-ratelimit-minutely-remaining")

# What seed 003 item 6 asks a record to show, each with the names vendors give it.
MINIMUM: dict[str, dict[str, tuple[str, ...]]] = {
    "debtors": {
        "id": ("id",),
        "name": ("name", "companyname", "displayname", "lastname", "fullname"),
        "address": ("address", "address1", "street", "addressline1", "postaladdress"),
    },
    "products": {
        "id": ("id",),
        "description": ("description", "title", "name"),
        "price": ("price", "salesprice", "unitprice", "amount"),
    },
    "vat_rates": {"percentage": ("percentage", "rate", "vatpercentage")},
    "ledger_accounts": {
        "code": ("code", "accountid", "number"),
        "id": ("id",),
        "description": ("description", "name"),
    },
    "payment_conditions": {"id": ("id", "code"), "description": ("description", "name")},
    "invoice_profiles": {"id": ("id", "code"), "name": ("name", "description", "layout")},
}


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def value_of(record: Any, *names: str) -> Any:
    """The first field of `record` whose name is one of `names`, whatever its case or separators."""
    if not isinstance(record, dict):
        return None
    plain = {_plain(k): v for k, v in record.items()}
    return next((plain[n] for n in names if plain.get(n) not in (None, "")), None)


def missing_fields(record: Any, resource: str) -> list[str]:
    return [wanted for wanted, names in MINIMUM[resource].items() if value_of(record, *names) is None]


@dataclass
class Run:
    """What the items learn while they are judged, shared in order."""

    target: Target
    allow_writes: bool
    endpoints: dict[str, Endpoints] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)
    answers: list[httpx.Response] = field(default_factory=list)
    bad_request: httpx.Response | None = None
    created: dict[str, httpx.Response] = field(default_factory=dict)
    reference: str = field(default_factory=lambda: f"SANDBOX-AUDIT-{secrets.token_hex(4).upper()}")

    def get(self, path: str, **params: Any) -> httpx.Response:
        answer = self.target.request("GET", self.target.url(path), params=params)
        self.answers.append(answer)
        return answer

    def post(self, path: str, body: Any) -> httpx.Response:
        answer = self.target.request("POST", self.target.url(path), json=body)
        self.answers.append(answer)
        return answer

    def list(self, resource: str) -> list[dict]:
        if resource not in self.samples:
            own = self.endpoints[resource]
            self.samples[resource] = records_of(self.get(own.collection)) if own.collection else []
        return self.samples[resource]


# -- item 1: REST -----------------------------------------------------------------------------------
def rest(run: Run) -> ItemResult:
    title = "REST API"
    version = str(run.target.document.get("openapi") or run.target.document.get("swagger") or "")
    listed = [r for r in run.endpoints.values() if r.collection]
    if not listed:
        return ItemResult("1", title, Outcome.FAILED, "the document has no resource the audit recognises")
    answer = run.get(listed[0].collection)
    if not answer.headers.get("content-type", "").startswith("application/json") or body_of(answer) is None:
        return ItemResult("1", title, Outcome.FAILED, f"GET {listed[0].collection} did not answer JSON")
    return ItemResult(
        "1", title, Outcome.PASSED, f"OpenAPI {version}; resources over HTTP methods answer JSON"
    )


# -- item 2: documented -----------------------------------------------------------------------------
def _schemas(target: Target):
    """Every object schema of the document, named by where it is."""
    stack: list[tuple[str, Any]] = [("#", target.document)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                yield where, node
            for key, value in node.items():
                if key not in ("example", "examples"):
                    stack.append((f"{where}/{key}", value))
        elif isinstance(node, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(node))


def documented(run: Run) -> ItemResult:
    title = "documented (Swagger/OpenAPI) with each field's description and whether it is required"
    properties = described = 0
    findings = []
    schemas = list(_schemas(run.target))
    for where, schema in schemas:
        if "required" not in schema:
            findings.append(f"{where}: no `required` list")
        for name, prop in schema["properties"].items():
            properties += 1
            resolved = run.target.resolve(prop)
            if isinstance(prop, dict) and (
                prop.get("description") or (isinstance(resolved, dict) and resolved.get("description"))
            ):
                described += 1
            else:
                findings.append(f"{where}/properties/{name}: no description")
    summary = f"{described} of {properties} properties described; {len(schemas)} object schemas"
    if not properties:
        return ItemResult("2", title, Outcome.FAILED, "the document describes no fields")
    outcome = Outcome.FAILED if findings else Outcome.PASSED
    return ItemResult(
        "2",
        title,
        outcome,
        summary,
        findings[:20] + ([f"... and {len(findings) - 20} more"] if len(findings) > 20 else []),
    )


# -- item 3: OAuth -------------------------------------------------------------------------------------
def oauth(run: Run) -> ItemResult:
    title = "authentication with OAuth"
    schemes = (run.target.document.get("components") or {}).get("securitySchemes") or {}
    kinds = {s.get("type") for s in schemes.values() if isinstance(s, dict)}
    if not kinds & {"oauth2", "openIdConnect"}:
        return ItemResult("3", title, Outcome.FAILED, "the document declares no OAuth2 security scheme")
    if not run.target.token:
        return ItemResult("3", title, Outcome.FAILED, f"no token obtained: {run.target.token_error}")
    return ItemResult(
        "3",
        title,
        Outcome.PASSED,
        "an OAuth2 scheme is declared and a token was obtained; whether the documentation has a worked "
        "example of every request needs a reader",
    )


# -- item 4: endpoints and their searches --------------------------------------------------------------
def _search(run: Run, resource: str, names: tuple[str, ...]) -> str | None:
    query = run.endpoints[resource].query
    return next((q for q in query if any(n in _plain(q) for n in names)), None)


def endpoints(run: Run) -> ItemResult:
    title = (
        "endpoints for debtors, transactions, products, VAT rates, ledger accounts, journals, "
        "payment conditions and invoice profiles, with their searches"
    )
    findings, notes = [], []
    for resource in ("debtors", "transactions", "products", "vat_rates", "ledger_accounts"):
        if not run.endpoints[resource].collection:
            findings.append(f"no endpoint for {resource.replace('_', ' ')}")
    for resource in ("journals", "payment_conditions", "invoice_profiles"):
        if not run.endpoints[resource].collection:
            notes.append(
                f"no endpoint for {resource.replace('_', ' ')} (needed only where one must be given)"
            )
    findings += _debtor_search(run) + _transaction_search(run, notes) + _product_search(run)
    summary = "; ".join(notes) or "every endpoint found, searches work"
    return ItemResult("4", title, Outcome.FAILED if findings else Outcome.PASSED, summary, findings)


def _debtor_search(run: Run) -> list[str]:
    if not run.endpoints["debtors"].collection:
        return []
    param = _search(run, "debtors", ("email", "mail"))
    if param is None:
        return ["debtors cannot be searched by e-mail address (no e-mail query parameter)"]
    debtors = [d for d in run.list("debtors") if value_of(d, "email", "emailaddress")]
    if not debtors:
        return ["no debtor with an e-mail address to search for"]
    address = str(value_of(debtors[0], "email", "emailaddress"))
    found = records_of(run.get(run.endpoints["debtors"].collection, **{param: address.upper()}))
    wanted = value_of(debtors[0], "id")
    if not any(value_of(d, "id") == wanted for d in found):
        return [f"searching debtors by {param}={address.upper()} did not find the debtor with that address"]
    if any(str(value_of(d, "email", "emailaddress")).lower() != address.lower() for d in found):
        return [f"searching debtors by {param} found debtors with another address"]
    return []


def _transaction_search(run: Run, notes: list[str]) -> list[str]:
    own = run.endpoints["transactions"]
    if not own.collection:
        return []
    sample = run.list("transactions")
    if not sample:
        return ["no transaction to search for"]
    wanted = sample[0]
    findings = []
    if not own.item:
        findings.append("financial transactions cannot be read by id")
    else:
        one = run.get(own.item.replace(own.item[own.item.rindex("{") :], str(value_of(wanted, "id"))))
        if one.status_code != 200 or value_of(body_of(one), "id") != value_of(wanted, "id"):
            findings.append(f"reading transaction {value_of(wanted, 'id')} by id answered {one.status_code}")
    for label, names, field_names in (
        ("number", ("number", "invoiceid"), ("number", "invoiceid")),
        ("date", ("date",), ("date", "invoicedate")),
    ):
        param = _search(run, "transactions", names)
        value = value_of(wanted, *field_names)
        if param is None or value is None:
            notes.append(f"transactions cannot be searched by {label} (preferred, not required)")
            continue
        found = records_of(run.get(own.collection, **{param: value}))
        if not any(value_of(t, "id") == value_of(wanted, "id") for t in found):
            findings.append(
                f"searching transactions by {param}={value} did not find transaction {value_of(wanted, 'id')}"
            )
    return findings


def _product_search(run: Run) -> list[str]:
    own = run.endpoints["products"]
    if not own.collection:
        return []
    sample = run.list("products")
    if not sample:
        return []
    wanted = sample[0]
    findings = []
    if own.item:
        one = run.get(own.item.replace(own.item[own.item.rindex("{") :], str(value_of(wanted, "id"))))
        if one.status_code != 200 or value_of(body_of(one), "id") != value_of(wanted, "id"):
            findings.append("a product cannot be read by id")
    else:
        findings.append("products cannot be read by id")
    param = _search(run, "products", ("sku", "identifier", "code"))
    sku = value_of(wanted, "sku", "identifier", "code", "productcode")
    if param is None or sku is None:
        return [*findings, "products cannot be searched by SKU / product code"]
    found = records_of(run.get(own.collection, **{param: sku}))
    if [value_of(p, "id") for p in found] != [value_of(wanted, "id")]:
        findings.append(f"searching products by {param}={sku} did not find exactly that product")
    return findings


# -- items 6, 7: what answers hold --------------------------------------------------------------------
def minimum_fields(run: Run) -> ItemResult:
    title = "success is HTTP 200 with the minimum fields, on reads and creates"
    findings = []
    for resource in MINIMUM:
        for record in run.list(resource)[:1] if run.endpoints[resource].collection else []:
            for name in missing_fields(record, resource):
                findings.append(f"a {resource.replace('_', ' ')} record has no {name}")
    if run.allow_writes:
        for resource, answer in run.created.items():
            if answer.status_code != 200:
                findings.append(f"adding a {resource} answered {answer.status_code}, not 200")
            elif value_of(body_of(answer), "id") is None:
                findings.append(f"adding a {resource} answered without its id")
            elif resource == "debtors":
                findings += [
                    f"the added debtor's answer has no {n}"
                    for n in missing_fields(body_of(answer), "debtors")
                ]
        summary = f"reads checked; creates checked: {', '.join(run.created) or 'none possible'}"
    else:
        summary = "reads checked; creates not tried (run with --allow-writes to try them)"
    return ItemResult("6", title, Outcome.FAILED if findings else Outcome.PASSED, summary, findings)


def _description(body: Any) -> str | None:
    """The longest text of an error body: its description, wherever the vendor puts it."""
    texts = []
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and len(node.split()) >= 2:
            texts.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return max(texts, key=len) if texts else None


def failure_described(run: Run) -> ItemResult:
    title = "failure is HTTP 400 with a description of what went wrong"
    answer = run.bad_request
    if answer is None:
        return ItemResult("7", title, Outcome.NOT_JUDGED, "no bad request was sent (run with --allow-writes)")
    if answer.status_code != 400:
        return ItemResult(
            "7", title, Outcome.FAILED, f"a debtor with a malformed e-mail answered {answer.status_code}"
        )
    body = body_of(answer)
    text = _description(body) if body is not None else answer.text.strip()
    if not text:
        return ItemResult("7", title, Outcome.FAILED, "the 400 has no description of what went wrong")
    return ItemResult("7", title, Outcome.PASSED, f"400: {text[:160]}")


def told_apart(run: Run) -> ItemResult:
    title = "responses say whether a request succeeded"
    successes = [a for a in run.answers if 200 <= a.status_code < 300]
    if run.bad_request is None:
        return ItemResult("5", title, Outcome.NOT_JUDGED, "no bad request was sent (run with --allow-writes)")
    if not 400 <= run.bad_request.status_code < 500:
        return ItemResult("5", title, Outcome.FAILED, f"a bad request answered {run.bad_request.status_code}")
    if not successes:
        return ItemResult("5", title, Outcome.FAILED, "no request succeeded")
    return ItemResult("5", title, Outcome.PASSED, "successes answer 2xx, the bad request a 4xx")


# -- item 8: limits ---------------------------------------------------------------------------------
def limits(run: Run) -> ItemResult:
    title = "generous limits, or the room left can be computed"
    with_headers = [a for a in run.answers if any(h in a.headers for h in LIMIT_HEADERS)]
    if run.answers and len(with_headers) == len(run.answers):
        sample = with_headers[-1].headers
        shown = ", ".join(f"{k}: {v}" for k, v in sample.items() if "ratelimit" in k.lower())
        return ItemResult("8", title, Outcome.PASSED, f"every answer carries rate-limit headers ({shown})")
    for path, method, _, _ in run.target.operations():
        if method == "get" and "ratelimit" in _plain(path):
            answer = run.target.request("GET", run.target.url(path))
            if answer.status_code == 200 and value_of(body_of(answer), "remaining") is not None:
                return ItemResult("8", title, Outcome.PASSED, f"GET {path} tells the room left")
    return ItemResult(
        "8",
        title,
        Outcome.FAILED,
        f"{len(with_headers)} of {len(run.answers)} answers carry rate-limit headers, "
        "and no endpoint tells the room left",
    )


# -- item 9: reading by reference, and support ------------------------------------------------------
def by_reference(run: Run) -> ItemResult:
    title = "transactions can be read by a reference (kenmerk)"
    own = run.endpoints["transactions"]
    param = _search(run, "transactions", ("reference", "kenmerk"))
    if not own.collection or param is None:
        return ItemResult("9 (iii)", title, Outcome.FAILED, "transactions have no reference to search by")
    created = run.created.get("transactions")
    if created is not None and 200 <= created.status_code < 300:
        reference, wanted = run.reference, value_of(body_of(created), "id")
    else:
        sample = [t for t in run.list("transactions") if value_of(t, "reference", "kenmerk")]
        if not sample:
            return ItemResult(
                "9 (iii)", title, Outcome.NOT_JUDGED, "no transaction with a reference to read back"
            )
        reference, wanted = value_of(sample[0], "reference", "kenmerk"), value_of(sample[0], "id")
    found = records_of(run.get(own.collection, **{param: reference}))
    if [value_of(t, "id") for t in found] != [wanted]:
        return ItemResult(
            "9 (iii)",
            title,
            Outcome.FAILED,
            f"searching by {param}={reference} did not find exactly that transaction",
        )
    return ItemResult("9 (iii)", title, Outcome.PASSED, f"{param}={reference} finds the transaction")


def support(run: Run) -> list[ItemResult]:
    asked = (
        ("9 (i)", "issues can be logged through an e-mail alias or support tool"),
        ("9 (ii)", "a Dutch-speaking contact at support"),
        ("9 (iv)", "an answer within one working day; high-impact problems fixed as soon as possible"),
    )
    return [
        ItemResult(item, title, Outcome.MANUAL, "cannot be judged by a program: ask the vendor")
        for item, title in asked
    ]


# -- writes -------------------------------------------------------------------------------------------
def _hints(run: Run) -> list[tuple[tuple[str, ...], Callable[[str, dict], Any]]]:
    """Values for the fields of a create, by words in the field's name, most specific first."""

    def pick(resource: str, prefer: tuple[str, ...] = ()) -> dict:
        records = run.list(resource) if run.endpoints[resource].collection else []
        chosen = [r for r in records if str(value_of(r, "type", "accounttype")).lower() in prefer] or records
        for r in chosen:
            if resource == "vat_rates" and str(value_of(r, "percentage", "rate")) in ("0", "0.0", "0.00"):
                continue
            return r
        return chosen[0] if chosen else {}

    def ref(resource: str, prefer: tuple[str, ...] = ()) -> Callable[[str, dict], Any]:
        def value(name: str, schema: dict) -> Any:
            record = pick(resource, prefer)
            key = value_of(record, "id") if name.endswith("id") else value_of(record, "code", "id")
            return int(key) if schema.get("type") == "integer" and str(key).isdigit() else key

        return value

    def debtor(name: str, schema: dict) -> Any:
        answer = run.created.get("debtors")
        return value_of(body_of(answer), "id") if answer is not None else None

    def amount(text: str) -> Callable[[str, dict], Any]:
        return lambda name, schema: float(text) if schema.get("type") in ("number", "integer") else text

    today = datetime.now(UTC).date().isoformat()
    return [
        (("email",), lambda n, s: f"sandbox-audit-{run.reference.lower()}@example.com"),
        (("reference", "kenmerk"), lambda n, s: run.reference),
        (("contact", "debtor", "customer"), debtor),
        (("journal",), ref("journals", ("sales", "verkoop"))),
        (("paymentcondition", "paymentterm", "workflow"), ref("payment_conditions")),
        (("invoiceprofile", "documentstyle", "layout"), ref("invoice_profiles")),
        (("product", "item"), ref("products")),
        (("vat", "tax"), ref("vat_rates")),
        (("ledger", "account"), ref("ledger_accounts", ("revenue", "sales", "omzet"))),
        (("quantity", "amount"), amount("1")),
        (("price",), amount("10.00")),
        (("date",), lambda n, s: today),
        (("companyname", "lastname", "name", "description", "title"), lambda n, s: MARK),
        (("street", "address1"), lambda n, s: "Teststraat"),
        (("housenumber", "number"), lambda n, s: "1"),
        (("postalcode", "zipcode"), lambda n, s: "1000"),
        (("city",), lambda n, s: "Brussel"),
        (("country",), lambda n, s: "BE"),
    ]


def synthesize(run: Run, schema: Any, hints: list) -> Any:
    """A body for `schema`: its required fields (every plain field, where it lists none), and
    every field a hint knows, filled; nested lines, details and addresses are filled alike."""
    schema = run.target.resolve(schema) or {}
    if "properties" in schema:
        required = schema.get("required")
        body = {}
        for name, prop in schema["properties"].items():
            plain = _plain(name)
            hint = next((fn for words, fn in hints if any(w in plain for w in words)), None)
            resolved = run.target.resolve(prop) or {}
            wanted = required is None or name in required
            if resolved.get("type") in ("object", "array") or "properties" in resolved:
                nested = any(w in plain for w in ("line", "detail", "address"))
                if (required is not None and name in required) or nested:
                    body[name] = synthesize(run, resolved, hints)
            elif hint is not None:
                value = hint(plain, resolved)
                if value is not None:
                    body[name] = value
            elif wanted:
                body[name] = _default(resolved)
        return body
    if schema.get("type") == "array":
        return [synthesize(run, schema.get("items") or {}, hints)]
    return _default(schema)


def _default(schema: dict) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return {"integer": 1, "number": 1.0, "boolean": False, "array": [], "object": {}}.get(kind, MARK)


def write(run: Run) -> None:
    """Add a marked debtor and a marked transaction, and send one malformed debtor."""
    hints = _hints(run)
    debtors, transactions = run.endpoints["debtors"], run.endpoints["transactions"]
    if debtors.creates and debtors.create_schema is not None:
        body = synthesize(run, debtors.create_schema, hints)
        run.created["debtors"] = run.post(debtors.collection, body)
        bad = {**body, **{k: "not-an-e-mail-address" for k in body if "mail" in _plain(k)}}
        run.bad_request = run.post(debtors.collection, bad)
    if transactions.creates and transactions.create_schema is not None:
        run.created["transactions"] = run.post(
            transactions.collection, synthesize(run, transactions.create_schema, hints)
        )


ITEMS: tuple[Callable[[Run], ItemResult], ...] = (
    rest,
    documented,
    oauth,
    endpoints,
    told_apart,
    minimum_fields,
    failure_described,
    limits,
    by_reference,
)


def audit(target: Target, *, allow_writes: bool = False) -> AuditReport:
    """Judge the vendor's API on every item of seed 003; raises AuditError when its document cannot
    be read. Without a token only the document is judged."""
    target.load()
    target.obtain_token()
    run = Run(target, allow_writes, target.endpoints())
    if not target.token:
        unjudged = [
            ItemResult(item, "not judged", Outcome.NOT_JUDGED, "the API cannot be called without a token")
            for item in ("1", "4", "5", "6", "7", "8", "9 (iii)")
        ]
        return AuditReport(target.base_url, [documented(run), oauth(run), *unjudged, *support(run)])
    results = [rest(run), documented(run), oauth(run), endpoints(run)]
    if allow_writes:
        write(run)
    results += [told_apart(run), minimum_fields(run), failure_described(run), limits(run), by_reference(run)]
    results += support(run)
    return AuditReport(target.base_url, results)
