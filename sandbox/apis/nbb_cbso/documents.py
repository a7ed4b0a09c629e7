"""The accounting data of a deposit in its three formats: JSON-XBRL, an XBRL instance and a PDF.

Figures come from the world (`deposit_figures`, `improved_figures`), so every format of a deposit
shows the same amounts, and NM1 of one year equals N of the year before. Taxonomy prefixes follow
what public clients read (`lgf:m014`, `pcd:m9000`, `cty:mBE`, `ccy:mEUR`); the codes for mandates,
identifier kinds and joint committees, the XBRL element names and the rubric TypeAmount values are
invented (the bank's schema was not inspected).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.apis.nbb_cbso.entities import Company, Deposit, Director, Improvement, Person
from sandbox.apis.nbb_cbso.figures import deposit_figures, figures, improved_figures
from sandbox.documents import pdf
from sandbox.worlds.names import Address

if TYPE_CHECKING:
    from lxml import etree

Figures = dict[str, Decimal]

PFS_NAMESPACE = "http://www.nbb.be/be/fr/pfs/ci/2023-04-01"
_NAMESPACES = {
    "xbrli": "http://www.xbrl.org/2003/instance",
    "link": "http://www.xbrl.org/2003/linkbase",
    "xlink": "http://www.w3.org/1999/xlink",
    "iso4217": "http://www.xbrl.org/2003/iso4217",
    "pfs": PFS_NAMESPACE,
}
_ENTITY_SCHEME = "http://www.fgov.be"
_MICRO_MODELS = ("m07", "m87")  # micro schemes do not publish turnover


@dataclass(frozen=True)
class _Rubric:
    code: str
    element: str  # element name in the pfs namespace
    instant: bool  # balance-sheet position at the end of the exercise, else a flow over it
    type_amount: str
    labels: tuple[str, str, str, str]  # NL, FR, DE, EN

    @property
    def monetary(self) -> bool:
        return self.code != "9087"

    def label(self, language: str) -> str:
        return self.labels[("NL", "FR", "DE", "EN").index(language)]


RUBRICS = (
    _Rubric("20/28", "FixedAssets", True, "debit",
            ("Vaste activa", "Actifs immobilisés", "Anlagevermögen", "Fixed assets")),
    _Rubric("29/58", "CurrentsAssets", True, "debit",
            ("Vlottende activa", "Actifs circulants", "Umlaufvermögen", "Current assets")),
    _Rubric("20/58", "Assets", True, "debit",
            ("Totaal van de activa", "Total de l'actif", "Summe der Aktiva", "Total assets")),
    _Rubric("10/15", "Equity", True, "credit",
            ("Eigen vermogen", "Capitaux propres", "Eigenkapital", "Equity")),
    _Rubric("16", "ProvisionsDeferredTaxes", True, "credit",
            ("Voorzieningen en uitgestelde belastingen", "Provisions et impôts différés",
             "Rückstellungen und aufgeschobene Steuern", "Provisions and deferred taxes")),
    _Rubric("17/49", "AmountsPayable", True, "credit",
            ("Schulden", "Dettes", "Verbindlichkeiten", "Amounts payable")),
    _Rubric("10/49", "EquityLiabilities", True, "credit",
            ("Totaal van de passiva", "Total du passif", "Summe der Passiva", "Total liabilities")),
    _Rubric("70", "Turnover", False, "credit",
            ("Omzet", "Chiffre d'affaires", "Umsatz", "Turnover")),
    _Rubric("9900", "GrossOperatingMargin", False, "credit",
            ("Brutomarge", "Marge brute", "Bruttomarge", "Gross margin")),
    _Rubric("9901", "OperatingProfitLoss", False, "credit",
            ("Bedrijfswinst (-verlies)", "Bénéfice (perte) d'exploitation", "Betriebsgewinn (-verlust)",
             "Operating profit (loss)")),
    _Rubric("9904", "GainLossPeriod", False, "credit",
            ("Winst (verlies) van het boekjaar", "Bénéfice (perte) de l'exercice",
             "Gewinn (Verlust) des Geschäftsjahres", "Profit (loss) for the period")),
    _Rubric("9087", "AverageNumberEmployeesFullTimeEquivalents", False, "none",
            ("Gemiddeld aantal werknemers in VTE", "Nombre moyen de travailleurs en ETP",
             "Durchschnittliche Zahl der Arbeitnehmer in VZÄ", "Average number of employees (FTE)")),
)  # fmt: skip


# ------------------------------------------------------------------------------------------- JSON-XBRL


def jsonxbrl_document(deposit: Deposit) -> dict[str, Any]:
    """The `application/x.jsonxbrl` document of a deposit (PascalCase, no enterprise number)."""
    return _jsonxbrl(deposit, *deposit_figures(deposit))


def improved_jsonxbrl_document(improvement: Improvement) -> dict[str, Any]:
    """The same document after the bank's improvement (EUR-converted, or with corrected rubrics)."""
    return _jsonxbrl(improvement.deposit, *improved_figures(improvement))


def _jsonxbrl(deposit: Deposit, current: Figures, previous: Figures | None) -> dict[str, Any]:
    company = deposit.company
    rubrics = [
        {
            "Code": rubric.code,
            "Period": period,
            "Value": _value(values[rubric.code]),
            "DataType": "monetary" if rubric.monetary else "decimal",
            "TypeAmount": rubric.type_amount,
        }
        for rubric in _shown_rubrics(deposit)
        for period, values in (("N", current), ("NM1", previous))
        if values is not None
    ]
    return {
        "ReferenceNumber": deposit.reference,
        "EnterpriseName": company.name,
        "Address": _enterprise_address(company.address),
        "LegalForm": {"LegalFormCode": f"lgf:m{company.legal_form}", "LegalForm": company.legal_form_label},
        "JointCommittees": [
            {"JointCommitteeCode": f"pcm:m{code}", "JointCommittee": label}
            for code, label in filter(None, [company.joint_committee])
        ],
        "Rubrics": rubrics,
        "Administrators": {
            "NaturalPersons": [_natural_director(d) for d in company.directors if d.person is not None],
            "LegalPersons": [_legal_director(d) for d in company.directors if d.company is not None],
        },
        "ParticipatingInterests": [
            _participating_interest(p.company, p.shares, p.percentage, deposit.fiscal_year)
            for p in company.participations
        ],
        "Shareholders": {
            "EntityShareHolders": [
                {"Entity": _entity(h.holder), "RightsHeld": _rights(h.shares, h.percentage)}
                for h in company.shareholders
                if isinstance(h.holder, Company)
            ],
            "IndividualShareHolders": [
                {"Person": _person(h.holder), "RightsHeld": _rights(h.shares, h.percentage)}
                for h in company.shareholders
                if isinstance(h.holder, Person)
            ],
        },
    }


def _shown_rubrics(deposit: Deposit) -> tuple[_Rubric, ...]:
    if deposit.model_type.startswith(_MICRO_MODELS):
        return tuple(rubric for rubric in RUBRICS if rubric.code != "70")
    return RUBRICS


def _value(amount: Decimal) -> str:
    """Decimal as the bank writes it: '1961298.0', '1961298.45', '-12.5'."""
    text = format(amount, "f")
    if "." not in text:
        return f"{text}.0"
    text = text.rstrip("0")
    return f"{text}0" if text.endswith(".") else text


def _enterprise_address(address: Address) -> dict[str, Any]:
    return {
        "Street": address.street,
        "Number": address.number,
        "Box": address.box,
        "City": f"pcd:m{address.postal_code}",
        "Country": f"cty:m{address.country_code}",
        "OtherPostalCode": None,
        "OtherCity": None,
        "OtherCountry": None,
    }


def _address(address: Address) -> dict[str, Any]:
    return {**_enterprise_address(address), "AddressType": None, "OtherAddressType": None}


def _person(person: Person) -> dict[str, Any]:
    return {"FirstName": person.first_name, "LastName": person.last_name, "Address": _address(person.address)}


def _entity(company: Company) -> dict[str, Any]:
    return {
        "Name": company.name,
        "Identifier": company.enterprise_number,
        "IdentifierKindOfNumber": {"IdentifierKindOfNumberCode": "kon:m001"},
        "Address": _address(company.address),
    }


def _mandates(director: Director) -> list[dict[str, Any]]:
    function = "fct:m11" if director.managing else "fct:m10"
    return [
        {
            "FunctionMandate": function,
            "MandateDates": {"StartDate": director.since.isoformat(), "EndDate": None},
        }
    ]


def _natural_director(director: Director) -> dict[str, Any]:
    assert director.person is not None
    return {"Person": _person(director.person), "Mandates": _mandates(director)}


def _legal_director(director: Director) -> dict[str, Any]:
    assert director.company is not None and director.representative is not None
    return {
        "Entity": _entity(director.company),
        "Mandates": _mandates(director),
        "Representatives": [_person(director.representative)],
    }


def _rights(shares: int, percentage: Decimal) -> list[dict[str, Any]]:
    return [
        {
            "Line": "1",
            "Nature": "AO",
            "NumberSecuritiesAttached": str(shares),
            "NumberNotSecuritiesAttached": None,
            "Percentage": _value(percentage),
        }
    ]


def _participating_interest(
    company: Company, shares: int, percentage: Decimal, fiscal_year: int
) -> dict[str, Any]:
    """A participation, with the equity and result the subsidiary itself reports for that year."""
    reported = company.files and fiscal_year >= company.first_fiscal_year
    accounts = figures(company, fiscal_year) if reported else None
    return {
        "Entity": _entity(company),
        "ParticipatingInterestHeld": [
            {
                "Line": "1",
                "Nature": "AO",
                "Number": str(shares),
                "PercentageDirectlyHeld": _value(percentage),
                "PercentageSubsidiaries": "0.0",
            }
        ],
        "EntityLegalForm": f"lgf:m{company.legal_form}",
        "AccountDate": company.exercise(fiscal_year)[1].isoformat() if accounts else None,
        "Currency": "ccy:mEUR" if accounts else None,
        "Equity": _value(accounts["10/15"]) if accounts else None,
        "NetResult": _value(accounts["9904"]) if accounts else None,
    }


# ------------------------------------------------------------------------------------------------ XBRL


def xbrl_document(deposit: Deposit) -> bytes:
    """An XBRL instance: contexts for N and NM1 (instant and duration), one fact per rubric and period."""
    from lxml import etree  # when an XBRL instance is first asked for, not when the API starts

    company = deposit.company
    current, previous = deposit_figures(deposit)
    root = etree.Element(_qname("xbrli", "xbrl"), nsmap=_NAMESPACES)
    etree.SubElement(
        root,
        _qname("link", "schemaRef"),
        {
            _qname("xlink", "type"): "simple",
            _qname("xlink", "href"): f"{PFS_NAMESPACE}/{deposit.model_type}.xsd",
        },
    )
    periods = [("Current", deposit.exercise_start, deposit.exercise_end, current)]
    if previous is not None:
        periods.append(("Preceding", *company.exercise(deposit.fiscal_year - 1), previous))
    for name, start, end, _ in periods:
        _context(root, f"{name}Instant", company.enterprise_number, [("instant", end)])
        _context(root, f"{name}Duration", company.enterprise_number, [("startDate", start), ("endDate", end)])
    for unit, measure in ((deposit.currency, f"iso4217:{deposit.currency}"), ("pure", "xbrli:pure")):
        element = etree.SubElement(root, _qname("xbrli", "unit"), id=unit)
        etree.SubElement(element, _qname("xbrli", "measure")).text = measure
    for rubric in _shown_rubrics(deposit):
        for name, _, _, values in periods:
            fact = etree.SubElement(
                root,
                _qname("pfs", rubric.element),
                contextRef=f"{name}{'Instant' if rubric.instant else 'Duration'}",
                unitRef=deposit.currency if rubric.monetary else "pure",
                decimals=("0" if deposit.currency == "BEF" else "2") if rubric.monetary else "1",
            )
            fact.text = format(values[rubric.code], "f")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _qname(prefix: str, name: str) -> str:
    return f"{{{_NAMESPACES[prefix]}}}{name}"


def _context(root: etree._Element, context_id: str, number: str, period: list[tuple[str, date]]) -> None:
    from lxml import etree

    context = etree.SubElement(root, _qname("xbrli", "context"), id=context_id)
    entity = etree.SubElement(context, _qname("xbrli", "entity"))
    etree.SubElement(entity, _qname("xbrli", "identifier"), scheme=_ENTITY_SCHEME).text = number
    element = etree.SubElement(context, _qname("xbrli", "period"))
    for tag, day in period:
        etree.SubElement(element, _qname("xbrli", tag)).text = day.isoformat()


# ------------------------------------------------------------------------------------------------- PDF

_PDF_WORDS = {
    "NL": {
        "title": "Jaarrekening", "consolidated": "Geconsolideerde jaarrekening",
        "number": "Ondernemingsnummer", "address": "Adres", "legal_form": "Rechtsvorm",
        "reference": "Referentie", "deposit_date": "Datum neerlegging", "exercise": "Boekjaar",
        "model": "Model", "currency": "Munt", "assembly": "Algemene vergadering",
        "code": "Code", "rubric": "Rubriek", "current": "Boekjaar", "previous": "Vorig boekjaar",
    },
    "FR": {
        "title": "Comptes annuels", "consolidated": "Comptes consolidés",
        "number": "Numéro d'entreprise", "address": "Adresse", "legal_form": "Forme juridique",
        "reference": "Référence", "deposit_date": "Date du dépôt", "exercise": "Exercice",
        "model": "Modèle", "currency": "Devise", "assembly": "Assemblée générale",
        "code": "Code", "rubric": "Rubrique", "current": "Exercice", "previous": "Exercice précédent",
    },
    "DE": {
        "title": "Jahresabschluss", "consolidated": "Konsolidierter Abschluss",
        "number": "Unternehmensnummer", "address": "Adresse", "legal_form": "Rechtsform",
        "reference": "Referenz", "deposit_date": "Hinterlegungsdatum", "exercise": "Geschäftsjahr",
        "model": "Modell", "currency": "Währung", "assembly": "Generalversammlung",
        "code": "Code", "rubric": "Rubrik", "current": "Geschäftsjahr", "previous": "Vorjahr",
    },
    "EN": {
        "title": "Annual accounts", "consolidated": "Consolidated annual accounts",
        "number": "Enterprise number", "address": "Address", "legal_form": "Legal form",
        "reference": "Reference", "deposit_date": "Deposit date", "exercise": "Financial year",
        "model": "Model", "currency": "Currency", "assembly": "General assembly",
        "code": "Code", "rubric": "Item", "current": "Period", "previous": "Previous period",
    },
}  # fmt: skip
_DISCLAIMER = "Sandbox document: fictitious data, not a filing published by the National Bank of Belgium."


@functools.lru_cache(maxsize=1024)  # a published deposit's PDF never changes; it is the costly one
def pdf_document(deposit: Deposit) -> bytes:
    """A one-page PDF of the deposit: identification and the main rubrics for N and NM1."""
    company, language = deposit.company, deposit.language
    words = _PDF_WORDS[language]
    current, previous = deposit_figures(deposit)
    title = words["consolidated"] if deposit.consolidated else words["title"]
    address, start, end = company.address, deposit.exercise_start, deposit.exercise_end
    street = f"{address.street} {address.number}" + (f" bus {address.box}" if address.box else "")
    number = company.enterprise_number
    identification = [
        (words["number"], f"{number[:4]}.{number[4:7]}.{number[7:]}"),
        (words["address"], f"{street}, {address.postal_code} {address.city}"),
        (words["legal_form"], company.legal_form_label),
        (words["reference"], deposit.reference),
        (words["deposit_date"], _display_date(deposit.deposit_date, language)),
        (words["exercise"], f"{_display_date(start, language)} - {_display_date(end, language)}"),
        (words["model"], deposit.model_type),
        (words["currency"], deposit.currency),
    ]
    if deposit.general_assembly_date:
        identification.append((words["assembly"], _display_date(deposit.general_assembly_date, language)))

    places = 0 if deposit.currency == "BEF" else 2
    rows = [
        (
            rubric.code,
            rubric.label(language),
            _display_amount(current[rubric.code], language, places if rubric.monetary else 1),
            _display_amount(previous[rubric.code], language, places if rubric.monetary else 1)
            if previous
            else "",
        )
        for rubric in _shown_rubrics(deposit)
    ]
    return pdf.render(
        pdf.Document(
            title=title,
            subtitle=company.name,
            created=datetime(*deposit.deposit_date.timetuple()[:3], tzinfo=UTC),
            author="National Bank of Belgium - Central Balance Sheet Office (sandbox)",
            fields=identification,
            table=pdf.Table(
                header=(words["code"], words["rubric"], words["current"], words["previous"]),
                rows=rows,
                widths=(18, 92, 40, 40),
                align="LLRR",
            ),
            footnote=_DISCLAIMER,
            keywords=(deposit.reference,),
        )
    )


def _display_amount(amount: Decimal, language: str, places: int) -> str:
    text = f"{amount:,.{places}f}"
    return text if language == "EN" else text.translate(str.maketrans(",.", ".,"))


def _display_date(day: date, language: str) -> str:
    return day.isoformat() if language == "EN" else day.strftime("%d/%m/%Y")
