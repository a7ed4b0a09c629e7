"""The wire views of the NBB world: references as the query operations and the zips show them."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from sandbox.apis.nbb_cbso.entities import Deposit, Improvement

# Formatting dates was most of the cost of a reference record; the days of a world are few.
_iso_day = functools.lru_cache(maxsize=32768)(date.isoformat)


def reference_record(deposit: Deposit, base_url: str) -> dict[str, Any]:
    """A reference as the query operations return it (PascalCase)."""
    company, address = deposit.company, deposit.company.address
    url = f"{base_url.rstrip('/')}/authentic/deposit/{deposit.reference}/accountingData"
    return {
        "ReferenceNumber": deposit.reference,
        "DepositDate": _iso_day(deposit.deposit_date),
        "ExerciseDates": {
            "startDate": _iso_day(deposit.exercise_start),
            "endDate": _iso_day(deposit.exercise_end),
        },
        "ModelType": deposit.model_type,
        "DepositType": deposit.deposit_type,
        "Language": deposit.language,
        "Currency": deposit.currency,
        "EnterpriseNumber": company.enterprise_number,
        "EnterpriseName": company.name,
        "Address": {
            "Street": address.street,
            "Number": address.number,
            "Box": address.box,
            "PostalCode": address.postal_code,
            "City": address.city,
            "CountryCode": address.country_code,
        },
        "LegalForm": company.legal_form,
        "LegalSituation": deposit.legal_situation,
        "FullFillLegalValidation": deposit.full_fill_legal_validation,
        "ActivityCode": company.activity_code,
        "GeneralAssemblyDate": _iso_day(deposit.general_assembly_date)
        if deposit.general_assembly_date
        else None,
        "AccountingDataURL": None if deposit.accounting_data_url_null else url,
        "DataVersion": "Authentic",
    }


def improved_reference_record(improvement: Improvement, base_url: str) -> dict[str, Any]:
    """A reference of an improved deposit (PascalCase), one per improvement."""
    record = reference_record(improvement.deposit, base_url)
    reference = improvement.deposit.reference
    record["AccountingDataURL"] = (
        f"{base_url.rstrip('/')}/improved/deposit/{reference}/accountingData/improved/{improvement.kind}"
    )
    record["ImprovementDate"] = _iso_day(improvement.improvement_date)
    record["CorrectedData"] = improvement.corrected_data
    record["DataVersion"] = improvement.data_version
    return record


def camel_case(record: Any) -> Any:
    """PascalCase keys to lowerCamel, recursively (zip entries): AccountingDataURL -> accountingDataURL."""
    if isinstance(record, dict):
        return {key[:1].lower() + key[1:]: camel_case(value) for key, value in record.items()}
    if isinstance(record, list):
        return [camel_case(item) for item in record]
    return record
