"""The public PHP client of Informat (`kobavzw/informat-php-client`, MIT), replayed in Python.

Each call is built as the client builds it (`src/Informat/Call/*`): the real hosts of its `BaseUrl`
enum, `http_build_query` for the query, the headers of `CallProcessor::buildRequest`
(`Authorization: BEARER <token>`, `InstituteNo` padded to 6 digits, `Content-Type:
application/json` even on a GET), `Api-Version` only where the call sets it, bodies as PHP's
`json_encode` writes them and multipart bodies as its `MultipartBody` writes them. Every answer is
then read as its `JsonMapper` reads it into the client's typed classes, whose property names and
types are listed below (`?` is a nullable property; a missing property, a wrong type or an enum
value the client does not know fails).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.testclient import TestClient

STUDENT_API = "https://leerlingenapi.informatsoftware.be"
STAFF_API = "https://personeelsapi.informatsoftware.be"
TOKEN_URL = "https://www.identityserver.be/connect/token"
SCOPES = (  # the client's `Scope` enum, each followed by the institute number
    "api_informat_sas_leerlingen.leerlingen",
    "api_informat_sas_leerlingen.voorinschrijvingen",
    "api_informat_sas_personeel.personeel",
)


# -- the client's typed classes ---------------------------------------------------------------------
@dataclass(frozen=True)
class Enum:
    values: tuple


@dataclass(frozen=True)
class ArrayOf:
    item: Any


@dataclass(frozen=True)
class Nullable:
    item: Any


SEX = Enum(("M", "V"))
COMMUNICATION_NUMBER_TYPE = Enum(("Telefoon", "Fax", "Gsm"))
GROUP_TYPE = Enum((0, 1, 3))
REGISTRATION_STATUS = Enum((0, 1, 2, 3, 4))
RELIGION = Enum(("0000", "0052", "0063", "0135", "0136", "0140", "0187", "0194", "0225", "0418", "9999"))
PREREGISTRATION_STATUS = Enum(("open", "geaccepteerd", "geweigerd"))
BURGERLIJKE_STAND = Enum((1, 2, 3, 4, 5, 6))
INCOME = Enum((-1, 0, 1, 2, 3))
INTERRUPTION_CODE = Enum(("1",))
RL_TYPE = Enum(("RL1", "RL2", "RL4"))
RL_TEKEN_STATUS = Enum(("Opgehaald", "Bekeken", "Ondertekend", "Geweigerd", "Mislukt"))

STUDENT_ADDRESS = {
    "pAdres": int, "adresId": str, "aanspreekTitel": Nullable(str), "aanspreekNaam": str, "straat": str,
    "nr": Nullable(str), "bus": Nullable(str), "postcode": Nullable(str), "gemeente": Nullable(str),
    "isFacturatie": bool, "isAanschrijf": bool, "isVerblijf": bool, "isOverige": bool, "percentage": float,
}  # fmt: skip
STUDENT_COMMUNICATION_NUMBER = {"pComnr": int, "nr": str, "type": str, "soort": COMMUNICATION_NUMBER_TYPE}
STUDENT_EMAIL = {"pEmail": int, "email": str, "type": str, "schoolcom": bool, "factuurMailen": bool}
STUDENT_GROUP = {
    "inschrKlasId": str, "pInschrKlas": int, "klasId": str, "pKlas": int, "klasCode": str, "klas": str,
    "groepType": GROUP_TYPE, "klasnummer": int, "begindatum": datetime, "einddatum": Nullable(datetime),
}  # fmt: skip
RELATION = {
    "pRelatie": int, "relatieId": str, "type": str, "naam": Nullable(str), "voornaam": Nullable(str),
    "insz": Nullable(str), "geboortedatum": Nullable(datetime), "geslacht": SEX,
    "nationaliteitCode": Nullable(str), "beroep": Nullable(str), "burgerlijkeStand": Nullable(str),
    "lpv": int, "ophalen": bool, "isOverleden": bool, "adressen": ArrayOf(STUDENT_ADDRESS),
    "comnrs": ArrayOf(STUDENT_COMMUNICATION_NUMBER), "emails": ArrayOf(STUDENT_EMAIL),
}  # fmt: skip
STUDENT = {
    "pPersoon": int, "persoonId": str, "naam": str, "voornaam": str, "geboortedatum": Nullable(datetime),
    "nickname": str, "voornaam2": Nullable(str), "initialen": Nullable(str), "geboorteland": Nullable(str),
    "geboorteplaats": Nullable(str), "nationaliteitCode": Nullable(str), "rijksregisternr": Nullable(str),
    "bisnr": Nullable(str), "geslacht": SEX, "huisdokter": Nullable(str), "telefoonHuisdokter": Nullable(str),
    "llOpSchool": Nullable(int), "inschrijvingsId": Nullable(str), "adressen": ArrayOf(STUDENT_ADDRESS),
    "relaties": ArrayOf(RELATION), "comnrs": ArrayOf(STUDENT_COMMUNICATION_NUMBER),
    "emails": ArrayOf(STUDENT_EMAIL),
}  # fmt: skip
REGISTRATION = {
    "inschrijvingsId": str, "pInschr": int, "pPersoon": int, "persoonId": str, "instelnr": str,
    "hfdstructuur": str, "school": str, "stamnr": Nullable(str), "vestCode": str, "vestiging": str,
    "begindatum": datetime, "einddatum": Nullable(datetime), "afdCode": str, "nrAdmgrp": str,
    "afdelingsjaar": str, "status": REGISTRATION_STATUS, "graad": str, "leerjaar": int,
    "taalkeuze": Nullable(str), "finCode": str, "levensbeschouwingCode": Nullable(RELIGION), "isOkan": bool,
    "preRegistrationId": Nullable(str), "inschrKlassen": ArrayOf(STUDENT_GROUP),
}  # fmt: skip
STUDENT_PHOTO = {"id": str, "persoonId": str, "foto": str}
PREREGISTRATION_RESPONSE = {"preRegistrationId": str, "status": PREREGISTRATION_STATUS}

STAFF_ADDRESS = {
    "id": str, "aanspreekTitel": Nullable(str), "aanspreekNaam": Nullable(str), "straat": str,
    "nummer": Nullable(str), "bus": Nullable(str), "postcode": Nullable(str), "gemeente": Nullable(str),
    "landCode": str, "isDomicilie": bool, "isVerblijf": bool,
}  # fmt: skip
AMBT = {"code": Nullable(str), "naam": Nullable(str)}
BANK = {"iban": str, "bic": Nullable(str)}
CHILD = {
    "id": str, "naam": str, "voornaam": str, "geslacht": SEX, "geboortedatum": Nullable(datetime),
    "isOverleden": bool, "datumOverleden": Nullable(datetime),
}  # fmt: skip
STAFF_COMMUNICATION_NUMBER = {"id": str, "type": str, "soort": COMMUNICATION_NUMBER_TYPE, "nr": str}
EMAIL_ADDRESS = {"id": str, "type": str, "email": str}
PARTNER = {
    "id": str, "naam": str, "voornaam": Nullable(str), "geboortedatum": Nullable(datetime),
    "nationaliteitCode": Nullable(str), "isOverleden": bool, "datumOverleden": Nullable(datetime),
    "inkomen": Nullable(INCOME),
}  # fmt: skip
STAFF_GROUP = {"id": str, "naam": str}
EMPLOYEE = {
    "pPersoon": int, "personId": str, "personaId": Nullable(str), "naam": str, "voornaam": str,
    "bijkomendeVoornamen": Nullable(str), "stamnr": Nullable(str), "sortName": str, "nickName": str,
    "geslacht": SEX, "initialen": Nullable(str), "geboortedatum": datetime, "geboorteplaats": Nullable(str),
    "geboortelandCode": str, "nationaliteitCode": Nullable(str), "rijksregisternr": Nullable(str),
    "bisnr": Nullable(str), "bank": Nullable(BANK), "hoofdAmbt": Nullable(AMBT),
    "eersteDienstSchool": Nullable(datetime), "eersteDienstScholengroep": Nullable(datetime),
    "eersteDienstScholengemeenschap": Nullable(datetime), "isActive": bool,
    "pensioendatum": Nullable(datetime), "isMindervalide": bool, "isOverleden": bool,
    "datumOverleden": Nullable(datetime), "burgStand": Nullable(BURGERLIJKE_STAND),
    "partner": Nullable(PARTNER), "adressen": ArrayOf(STAFF_ADDRESS),
    "comnrs": ArrayOf(STAFF_COMMUNICATION_NUMBER), "emailadressen": ArrayOf(EMAIL_ADDRESS),
    "kinderen": ArrayOf(CHILD), "personeelsgroepen": ArrayOf(STAFF_GROUP),
}  # fmt: skip
DIPLOMA = {
    "id": str, "personId": str, "omschrijving": str, "uitgereiktDoor": str,
    "uitgereiktOp": Nullable(datetime), "isHoofddiploma": bool, "isBekwaamheidsbewijs": bool,
}  # fmt: skip
DOCUMENT = {
    "documentId": int, "personId": str, "rlType": RL_TYPE, "tekenStatus": Nullable(RL_TEKEN_STATUS),
    "zendingnr": Nullable(int), "referentie": Nullable(str), "aangemaaktOp": datetime,
    "verstuurdNaarEdisonOp": Nullable(datetime), "edisonStatusGewijzigdOp": Nullable(datetime),
}  # fmt: skip
DOCUMENT_DEFAULTS = {"rl1Ingangsdatum": Nullable(datetime), "rl4Ingangsdatum": Nullable(datetime)}
INTERRUPTION = {
    "doId": str, "personId": str, "hfd": str, "begindatum": datetime, "einddatum": datetime,
    "code": INTERRUPTION_CODE, "omschrijving": str, "soort": str, "verstuurdAgODi": bool,
}  # fmt: skip
STAFF_PHOTO = {"id": str, "personId": str, "photo": str}
OWN_FIELD = {"personId": str, "vvId": str, "naam": str, "waarde": Any, "dataType": str, "rubriek": int}


def maps(value: Any, php: Any, where: str = "$", defaults: dict | None = None) -> None:
    """Assert that the client's JsonMapper fills a property of type `php` from `value`."""
    if isinstance(php, Nullable):
        if value is not None:
            maps(value, php.item, where)
        return
    if php is Any:  # `mixed`, which holds null too
        return
    assert value is not None, f"{where} is null, and the client's property is not nullable"
    if isinstance(php, Enum):
        assert value in php.values and type(value) is type(php.values[0]), f"{where}: {value!r} not in {php}"
    elif isinstance(php, ArrayOf):
        assert isinstance(value, list), f"{where} is not an array"
        for i, item in enumerate(value):
            maps(item, php.item, f"{where}[{i}]")
    elif isinstance(php, dict):
        assert isinstance(value, dict), f"{where} is not an object"
        missing = set(php) - set(value)
        assert not missing, f"{where} lacks {sorted(missing)}"
        for name, kind in {**php, **(defaults or {})}.items():
            if name in value:
                maps(value[name], kind, f"{where}.{name}")
    elif php is datetime:
        assert isinstance(value, str), f"{where} is not a date string"
        datetime.fromisoformat(value.replace("Z", "+00:00"))  # what PHP's DateTime reads
    elif php is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), f"{where} is not a float"
    else:
        assert type(value) is php, f"{where}: {value!r} is not {php.__name__}"


# -- the client's requests --------------------------------------------------------------------------
def php_json(body: Any) -> bytes:
    """`json_encode` with its default flags: ASCII only, and `/` escaped."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def php_query(params: dict[str, str]) -> str:
    """`http_build_query`: form encoding (space as `+`)."""
    return urlencode(params)


def php_school_year(year: int | str) -> str:
    """The client's `Schoolyear` helper: `2026` -> `2026-27`."""
    text = str(year)
    return text if len(text) == 7 else f"{text}-{int(text[2:4]) + 1}"


class Multipart:
    """`MultipartBody` as the client writes it: a 32-hex-digit boundary, CRLF lines."""

    def __init__(self) -> None:
        self.boundary = secrets.token_hex(16)
        self.parts: list[tuple[str, bytes, str | None, str | None]] = []

    def field(self, name: str, contents: str) -> Multipart:
        self.parts.append((name, contents.encode(), None, None))
        return self

    def file(self, name: str, contents: bytes, filename: str, content_type: str) -> Multipart:
        self.parts.append((name, contents, filename, content_type))
        return self

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def encode(self) -> bytes:
        out = b""
        for name, contents, filename, content_type in self.parts:
            out += f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"'.encode()
            if filename is not None:
                out += f'; filename="{filename}"'.encode()
            out += b"\r\n"
            if content_type is not None:
                out += f"Content-Type: {content_type}\r\n".encode()
            out += b"\r\n" + contents + b"\r\n"
        return out + f"--{self.boundary}--\r\n".encode()


class PhpInformatClient:
    """One `Informat` object of the client, with `AllScopesStrategy` over one institute."""

    def __init__(self, http: TestClient, client_id: str, client_secret: str, institute: str) -> None:
        self.http, self.institute = http, institute.rjust(6, "0")
        self.client_id, self.client_secret = client_id, client_secret
        self.access_token: str | None = None
        self.calls: list[tuple[str, str]] = []

    def token(self) -> str:
        """`AccessTokenFetcher::fetch`, once: `AccessTokenManager` keeps the token until it expires."""
        if self.access_token is None:
            form = {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": " ".join(f"{scope}.{self.institute}" for scope in SCOPES),
                "grant_type": "client_credentials",
            }
            answer = self.http.post(
                TOKEN_URL,
                content=php_query(form),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert isinstance(body["access_token"], str) and isinstance(body["expires_in"], int)
            self.access_token = body["access_token"]
        return self.access_token

    def send(
        self,
        method: str,
        base: str,
        endpoint: str,
        query: dict[str, str] | None = None,
        body: dict | Multipart | None = None,
        api_version: str | None = None,
    ):
        """`AbstractCall::performRequest` and `CallProcessor::send`: any status outside 2xx is an
        exception in the client, so it fails here."""
        url = base.rstrip("/") + "/" + endpoint.lstrip("/")
        if query is not None:
            url += "?" + php_query(query)
        headers = {
            "Authorization": f"BEARER {self.token()}",
            "InstituteNo": self.institute,
            "Content-Type": "application/json",
        }
        content = None
        if isinstance(body, Multipart):
            headers["Content-Type"] = body.content_type
            content = body.encode()
        elif body is not None:
            content = php_json(body)
        if api_version is not None:
            headers["Api-Version"] = api_version
        answer = self.http.request(method, url, headers=headers, content=content)
        self.calls.append((method, endpoint))
        assert 200 <= answer.status_code < 300, f"{method} {url}: {answer.status_code} {answer.text}"
        return answer

    # -- StudentsDirectory

    def get_students(
        self, school_year: int | str, refdate: date | None = None, changed: datetime | None = None
    ):
        query = {"schoolYear": php_school_year(school_year)}
        if refdate:
            query["refdate"] = refdate.isoformat()
        if changed:
            query["changedSince"] = changed.isoformat()  # PHP's `c` format
        return self.send("GET", STUDENT_API, "1/students", query).json()["students"]

    def get_student(self, student_id: str, school_year: int | str, refdate: date | None = None):
        query = {"schoolYear": php_school_year(school_year)}
        if refdate:
            query["refdate"] = refdate.isoformat()
        return self.send("GET", STUDENT_API, f"1/students/{student_id}", query).json()["student"]

    def get_registrations(self, school_year: int | str, changed: datetime | None = None):
        query = {"schoolYear": php_school_year(school_year)}
        if changed:
            query["changedSince"] = changed.strftime("%Y-%m-%d")
        return self.send("GET", STUDENT_API, "1/registrations", query).json()["registrations"]

    def get_photo(self, student_id: str):
        return self.send("GET", STUDENT_API, f"1/students/{student_id}/photo").json()["photo"]

    # -- PreregistrationsDirectory

    def create_preregistration(self, body: dict):
        return self.send("POST", STUDENT_API, "1/preregistrations/save", body=body).json()[
            "preRegistrationStatus"
        ]

    def get_preregistration_status(self, preregistration_id: str):
        path = f"1/preregistrations/{preregistration_id}/status"
        return self.send("GET", STUDENT_API, path).json()["preRegistrationStatus"]

    def delete_preregistration(self, preregistration_id: str) -> None:
        self.send("DELETE", STUDENT_API, f"1/preregistrations/{preregistration_id}")

    # -- PersonnelDirectory

    def staff_list(self, endpoint: str, school_year: int | str, structure: str | None = None, **more: str):
        query = {"schoolYear": php_school_year(school_year), **more}
        if structure:
            query["structure"] = structure
        return self.send(
            "GET", STAFF_API, endpoint, query, api_version="2" if endpoint == "employees" else None
        )

    def get_photo_for_employee(self, person_id: str):
        return self.send("GET", STAFF_API, f"employees/{person_id}/photos", {}).json()

    def get_document(self, person_id: str, document_id: int):
        return self.send("GET", STAFF_API, f"employees/{person_id}/documents/{document_id}/pdf", {})

    def create_interruption(self, person_id: str, interruption_id: str, body: dict):
        path = f"/employees/{person_id}/interruptions/{interruption_id}"
        return self.send("PUT", STAFF_API, path, body={**body, "instelnr": self.institute})

    def create_interruption_attachment(self, interruption_id: str, attachment_id: str, name: str, b64: str):
        path = f"/employees/interruptions/{interruption_id}/attachments/{attachment_id}"
        return self.send("PUT", STAFF_API, path, body={"filename": name, "file": b64})

    def delete_interruption_attachment(self, interruption_id: str, attachment_id: str):
        path = f"/employees/interruptions/{interruption_id}/attachments/{attachment_id}"
        return self.send("DELETE", STAFF_API, path)

    def delete_interruption(self, interruption_id: str):
        return self.send("DELETE", STAFF_API, f"/employees/interruptions/{interruption_id}")

    def submit_signed_document(
        self, person_id: str, document_id: int, status: str, at: datetime, pdf: bytes | None = None
    ):
        body = Multipart().field("status", status).field("tijdstip", at.strftime("%Y-%m-%dT%H:%M:%SZ"))
        if pdf is not None:
            body.file("bestand", pdf, "signed.pdf", "application/pdf")
        path = f"employees/{person_id}/documents/{document_id}/signeddocument"
        return self.send("POST", STAFF_API, path, body=body)
