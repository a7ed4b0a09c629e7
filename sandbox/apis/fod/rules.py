"""The rules Intervat applies to a periodic VAT return (`VATConsignment`), each a rejection that
names its code, the grids involved and the difference. Codes 13, C, D, O, P, Q, S, T, U, AC, AD
are the FOD's consistency rules (Intervat help, "règles de validation"); the others are the
sandbox's names for the schema rules and the portal's checks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree
from stdnum.be import vat as be_vat

VAT_NS = "http://www.minfin.fgov.be/VATConsignment"
COMMON_NS = "http://www.minfin.fgov.be/InputCommon"
PHASE_2_ROOTS = {
    "ClientListingConsignment": "client listings",
    "IntraConsignment": "intra-community statements",
    "VATRefundConsignment": "VAT refunds",
}
GRIDS = frozenset([0, 1, 2, 3, *range(44, 50), *range(54, 58), 59, *range(61, 65), 71, 72, *range(81, 89)])
TOLERANCE = Decimal("62")
MAX_DECLARATIONS = 999
EU_CODES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class Rejection:
    code: str
    message: str
    declaration: int | None = None  # SequenceNumber
    grids: list[str] = field(default_factory=list)
    difference: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


@dataclass
class Declaration:
    sequence: int
    declarant: str
    period: str  # "2026-Q1" or "2026-03"
    year: int | None
    month: int | None
    quarter: int | None
    amounts: dict[str, Decimal]
    replaces: str | None
    reference: str | None  # DeclarantReference


class NotWellFormed(ValueError):
    pass


def parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotWellFormed(str(exc)) from exc


def _vat(tag: str) -> str:
    return f"{{{VAT_NS}}}{tag}"


def _common(tag: str) -> str:
    return f"{{{COMMON_NS}}}{tag}"


def grid_key(text: str) -> str | None:
    """ "0" and "00" alike: the grid as two digits, or None when it is not a number."""
    text = text.strip()
    return f"{int(text):02d}" if text.isdigit() and len(text) <= 2 else None


def _text(element, path: str) -> str | None:
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else None


def read_declaration(element, rejections: list[Rejection]) -> Declaration:
    sequence = int(element.get("SequenceNumber") or 0)

    def reject(code: str, message: str, grids: list[str] | None = None, difference: Decimal | None = None):
        diff = f"{difference:.2f}" if difference is not None else None
        rejections.append(Rejection(code, message, sequence, grids or [], diff))

    declarant = _text(element, f"{_vat('Declarant')}/{_common('VATNumber')}") or ""
    if not (
        len(declarant) == 10 and declarant[0] in "01" and declarant.isdigit() and be_vat.is_valid(declarant)
    ):
        reject(
            "DECLARANT_VAT_INVALID",
            f"Declarant VATNumber {declarant!r} is not 10 digits [0-1][0-9]{{9}} with a valid mod-97 check",
        )
    period = element.find(_vat("Period"))
    month = _text(period, _vat("Month")) if period is not None else None
    quarter = _text(period, _vat("Quarter")) if period is not None else None
    year = _text(period, _vat("Year")) if period is not None else None
    if (month is None) == (quarter is None):
        reject("PERIOD_MONTH_XOR_QUARTER", "Period holds exactly one of Month (1-12) or Quarter (1-4)")
    elif month is not None and not (month.isdigit() and 1 <= int(month) <= 12):
        reject("PERIOD_MONTH_XOR_QUARTER", f"Month {month!r} is not 1 to 12")
    elif quarter is not None and not (quarter.isdigit() and 1 <= int(quarter) <= 4):
        reject("PERIOD_MONTH_XOR_QUARTER", f"Quarter {quarter!r} is not 1 to 4")
    if not (year and year.isdigit() and len(year) == 4):
        reject("PERIOD_YEAR", f"Year {year!r} is not four digits")
    amounts: dict[str, Decimal] = {}
    data = element.find(_vat("Data"))
    if data is None:
        reject("DATA_MISSING", "Data is required")
    for amount in data.iter(_vat("Amount")) if data is not None else ():
        raw_grid, raw = amount.get("GridNumber") or "", (amount.text or "").strip()
        grid = grid_key(raw_grid)
        if grid == "91":
            reject(
                "GRID_91_ABOLISHED",
                "Grid 91 (December advance) was abolished by the Royal Decree of 29.03.2021",
                ["91"],
            )
            continue
        if grid is None or int(grid) not in GRIDS:
            reject("UNKNOWN_GRID", f"GridNumber {raw_grid!r} is not in the closed grid list", [raw_grid])
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or "." not in raw or len(raw.split(".")[1]) != 2:
            reject("AMOUNT_FORMAT", f"Grid {grid}: {raw!r} is not an amount with two decimals", [grid])
            continue
        if value < 0:
            reject(
                "13",
                f"Grid {grid}: amounts are never negative (carry a negative balance forward)",
                [grid],
                value,
            )
            continue
        amounts[grid] = value
    if element.find(_vat("ClientListingNihil")) is None:
        reject("CLIENT_LISTING_NIHIL_MISSING", "ClientListingNihil (YES or NO) is required")
    replaced = _text(element, _vat("ReplacedVATDeclaration"))
    return Declaration(
        sequence=sequence,
        declarant=declarant,
        period=f"{year}-Q{quarter}" if quarter else f"{year}-{(month or '').zfill(2)}",
        year=int(year) if year and year.isdigit() else None,
        month=int(month) if month and month.isdigit() else None,
        quarter=int(quarter) if quarter and quarter.isdigit() else None,
        amounts=amounts,
        replaces=replaced,
        reference=element.get("DeclarantReference"),
    )


def check_amounts(decl: Declaration) -> list[Rejection]:
    """The balance rule and the consistency rules, on the amounts of one declaration."""
    g = lambda *grids: sum((decl.amounts.get(x, Decimal(0)) for x in grids), Decimal(0))  # noqa: E731
    found: list[Rejection] = []

    def reject(code: str, message: str, grids: list[str], difference: Decimal) -> None:
        found.append(Rejection(code, message, decl.sequence, grids, f"{difference:.2f}"))

    balance = g("54", "55", "56", "57", "61", "63") - g("59", "62", "64")
    grid, expected = ("71", balance) if balance > 0 else ("72", -balance)
    other = "72" if grid == "71" else "71"
    zero_either = balance == 0 and (decl.amounts.get("71") == 0 or decl.amounts.get("72") == 0)
    if not zero_either and (decl.amounts.get(grid) != expected or g(other) != 0):
        reject(
            "BALANCE_71_72",
            f"Grid {grid} must be {expected:.2f} = (54+55+56+57+61+63) - (59+62+64)",
            [grid, other],
            g(grid) - expected,
        )
    if (g("86") > 0 or g("88") > 0) and g("55") <= 0:
        reject("C", "[55] > 0 when [86] or [88] > 0", ["55", "86", "88"], g("55"))
    if g("87") > 0 and g("56", "57") <= 0:
        reject("D", "[56] + [57] > 0 when [87] > 0", ["56", "57", "87"], g("56", "57"))
    output = g("01") * Decimal("0.06") + g("02") * Decimal("0.12") + g("03") * Decimal("0.21")
    if abs(output - g("54")) > TOLERANCE:
        reject(
            "O",
            "[01]x6% + [02]x12% + [03]x21% = [54] within 62 EUR",
            ["01", "02", "03", "54"],
            g("54") - output,
        )
    limits = (
        ("P", ["84", "86", "88"], ["55"], "([84] + [86] + [88]) x 21% >= [55], 62 EUR tolerance"),
        ("Q", ["85", "87"], ["56", "57"], "([85] + [87]) x 21% >= [56] + [57], 62 EUR tolerance"),
        ("T", ["85"], ["63"], "[85] x 21% >= [63], 62 EUR tolerance"),
        ("U", ["49"], ["64"], "[49] x 21% >= [64], 62 EUR tolerance"),
    )
    for code, bases, taxes, message in limits:
        excess = g(*taxes) - g(*bases) * Decimal("0.21")
        if excess > TOLERANCE:
            reject(code, message, bases + taxes, excess)
    purchases = g("81", "82", "83", "84", "85")
    if g("59") > purchases * Decimal("0.5"):
        reject(
            "S",
            "([81] + [82] + [83] + [84] + [85]) x 50% >= [59]",
            ["81", "82", "83", "84", "85", "59"],
            g("59") - purchases * Decimal("0.5"),
        )
    if g("88") > 99_999 and g("88") >= g("81", "82", "83", "84") * 100:
        reject(
            "AC",
            "[88] < ([81] + [82] + [83] + [84]) x 100 when [88] > 99 999",
            ["88", "81", "82", "83", "84"],
            g("88") - g("81", "82", "83", "84") * 100,
        )
    sales = g("00", "01", "02", "03", "45", "46", "47", "48", "49")
    if g("44") > 99_999 and g("44") >= sales * 200:
        reject(
            "AD",
            "[44] < ([00]+[01]+[02]+[03]+[45]+[46]+[47]+[48]+[49]) x 200 when [44] > 99 999",
            ["44"],
            g("44") - sales * 200,
        )
    return found


@dataclass
class Consignment:
    declarations: list[Declaration]
    representative: str | None
    representative_issued_by: str | None
    rejections: list[Rejection]


def read_consignment(root) -> Consignment:
    """The declarations and the schema-level rejections of a `VATConsignment` (its root checked)."""
    rejections: list[Rejection] = []
    elements = root.findall(_vat("VATDeclaration"))
    declared = root.get("VATDeclarationsNbr")
    if declared != str(len(elements)):
        rejections.append(
            Rejection(
                "DECLARATIONS_NBR", f"VATDeclarationsNbr {declared!r} but the file holds {len(elements)}"
            )
        )
    if not elements:
        rejections.append(Rejection("NO_DECLARATION", "The file holds no VATDeclaration"))
    representative = issued_by = None
    rep = root.find(_vat("Representative"))
    if rep is not None:
        rep_id = rep.find(_common("RepresentativeID"))
        representative = (rep_id.text or "").strip() if rep_id is not None else ""
        issued_by = rep_id.get("issuedBy") if rep_id is not None else None
        if issued_by not in EU_CODES:
            rejections.append(
                Rejection(
                    "REPRESENTATIVE_ISSUED_BY",
                    f"issuedBy {issued_by!r} is not an EU member-state code (Greece is EL)",
                )
            )
    declarations = [read_declaration(e, rejections) for e in elements]
    for decl in declarations:
        if not any(r.declaration == decl.sequence for r in rejections):
            rejections.extend(check_amounts(decl))
    return Consignment(declarations, representative, issued_by, rejections)
