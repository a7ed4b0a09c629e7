"""Informat's error body, `{"message", "errors": [{"code", "message"}]}`, and its catalogue of codes.

Public clients read the entries of 400 and 405 answers as PascalCase `Code`/`Message` and the
others as camelCase, so every entry carries both casings and every client finds its keys.
Codes are Informat's families: `BR…` a business rule (400), `DNF…` data not found (404),
`MNA…` a method not allowed on a preregistration in its state (405). Public sources show only a
few real codes (`BR001A`, `BR035B`, `BR041B`, `DNF001`, `MNA001`-`MNA005`); the sandbox's own keep
that pattern and are numbered by part: `DNF00x` students, `DNF01x` institutes, `DNF02x` staff,
`BR09x` and `DNF09x` school bills.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, ErrorCatalogue, ErrorCode, Problem, Violation

CATALOGUE = ErrorCatalogue(
    "informat",
    "Informat (students, staff, school bills)",
    'The three Informat APIs share one body, `{"message", "errors": [{"code", "message", "Code", '
    '"Message"}]}`, and one set of codes; messages are in Dutch.',
)
_add = CATALOGUE.add

# what the engine refuses before a handler runs
INVALID_FIELD = _add("BR000A", 400, "A parameter or body field breaks the operation's schema")
UNSUPPORTED_MEDIA_TYPE = _add("BR000M", 415, "The request body's Content-Type is not one the operation takes")
NOT_ACCEPTABLE = _add("BR000N", 406, "No answer of the operation matches `Accept`")
BODY_TOO_LARGE = _add(
    "BR000L", 413, "The request body is over the limit: 10 MB unless the operation states its own"
)
URI_TOO_LONG = _add("BR000U", 414, "The path and query are over 8 kB")
HEADERS_TOO_LARGE = _add("BR000H", 431, "The headers are over 16 kB together")
MISSING_TOKEN = _add("AUT001", 401, "No Bearer token")
INVALID_TOKEN = _add("AUT002", 401, "The Bearer token is invalid or expired")
MISSING_SCOPE = _add("AUT003", 403, "The token lacks the scope of the institute or access group")
UNKNOWN_PATH = _add("DNF000", 404, "No operation at this path")
METHOD_NOT_ALLOWED = _add("MNA000", 405, "The path does not take this method")
RATE_LIMITED = _add("RL001", 429, "The tenant's rate limit is used up; retry after `Retry-After` seconds")
SERVER_ERROR = _add("ERR500", 500, "The sandbox failed (or a fault the tenant switched on)")

# headers and parameters every Informat API reads
INSTITUTE_NUMBER_FORM = _add("BR035B", 400, "`InstituteNo` is not 6 characters long")
API_VERSION = _add("BR037A", 400, "`Api-Version` is missing or not 2", "staff")
INSTITUTE_NOT_FOUND = _add("DNF010", 404, "No institute with this `InstituteNo`")

# students and preregistrations: the codes and messages of the public client's student `ErrorCode`
LAST_NAME_REQUIRED = _add("BR001A", 400, "A preregistration without `lastName`", "students")
LAST_NAME_LONG = _add("BR001B", 400, "`lastName` is longer than 50 characters", "students")
FIRST_NAME_REQUIRED = _add("BR002A", 400, "A preregistration without `firstName`", "students")
FIRST_NAME_LONG = _add("BR002B", 400, "`firstName` is longer than 50 characters", "students")
OTHER_NAMES_LONG = _add("BR003", 400, "`additionalNames` is longer than 160 characters", "students")
BIRTH_DATE = _add("BR004A", 400, "`dateOfBirth` is not a date in the past", "students")
BIRTH_COUNTRY_REQUIRED = _add("BR005A", 400, "A preregistration without `countryOfBirthCode`", "students")
BIRTH_COUNTRY_FORM = _add("BR005B", 400, "`countryOfBirthCode` is not 5 characters", "students")
BIRTH_PLACE_CODE = _add("BR006A", 400, "`placeOfBirthCode` is longer than 10 characters", "students")
BIRTH_PLACE = _add("BR007A", 400, "`placeOfBirth` is longer than 50 characters", "students")
NATIONALITY_REQUIRED = _add("BR008A", 400, "A preregistration without `nationalityCode`", "students")
NATIONALITY_FORM = _add("BR008B", 400, "`nationalityCode` is not 5 characters", "students")
SEX = _add("BR009", 400, "`sex` is not 1 (male) or 2 (female)", "students")
INSZ = _add(
    "BR010A", 400, "`insz` is no national number, or not one of this `dateOfBirth` and `sex`", "students"
)
EID_NUMBER = _add("BR011", 400, "`eIdNo` is longer than 12 characters", "students")
MOBILE = _add("BR012", 400, "`mobilePhone` is longer than 20 characters", "students")
EMAIL = _add("BR013", 400, "`email` is no e-mail address", "students")
DOCTOR = _add("BR014", 400, "`nameOfDoctor` is longer than 100 characters", "students")
DOCTOR_PHONE = _add("BR015", 400, "`phoneOfDoctor` is longer than 20 characters", "students")
FIRST_LANGUAGE = _add("BR016", 400, "`firstLanguage` is longer than 100 characters", "students")
RELIGION = _add("BR017", 400, "`religion` is not one of the levensbeschouwing codes", "students")
PRIORITY_GROUP = _add("BR018", 400, "`priorityGroup` is not 1 to 6", "students")
REFUSAL_REASON = _add("BR019", 400, "`reasonForRefusal` is not a reason code", "students")
RELATIONS = _add("BR020A", 400, "More than 2 `Relationships`", "students")
RELATION_TYPE = _add("BR021", 400, "A relation's `type` is not one of the relation types", "students")
RELATION_LAST_NAME_REQUIRED = _add("BR022A", 400, "A relation without `lastName`", "students")
RELATION_LAST_NAME_LONG = _add(
    "BR022B", 400, "A relation's `lastName` is longer than 50 characters", "students"
)
RELATION_FIRST_NAME_REQUIRED = _add("BR023A", 400, "A relation without `firstName`", "students")
RELATION_FIRST_NAME_LONG = _add(
    "BR023B", 400, "A relation's `firstName` is longer than 30 characters", "students"
)
RELATION_STREET = _add("BR024A", 400, "A relation's `Address` without `streetName`", "students")
RELATION_STREET_LONG = _add("BR024B", 400, "`streetName` is longer than 50 characters", "students")
RELATION_HOUSE = _add("BR025A", 400, "A relation's `Address` without `houseNo`", "students")
RELATION_HOUSE_LONG = _add("BR025B", 400, "`houseNo` is longer than 10 characters", "students")
RELATION_BOX_LONG = _add("BR026", 400, "`houseBusNo` is longer than 6 characters", "students")
RELATION_POSTAL_CODE = _add("BR027A", 400, "A relation's `Address` without `postalCode`", "students")
RELATION_POSTAL_CODE_LONG = _add("BR027B", 400, "`postalCode` is longer than 8 characters", "students")
RELATION_CITY = _add("BR028A", 400, "A relation's `Address` without `city`", "students")
RELATION_CITY_LONG = _add("BR028B", 400, "`city` is longer than 30 characters", "students")
RELATION_COUNTRY = _add("BR029A", 400, "A relation's `Address` without `countryCode`", "students")
RELATION_COUNTRY_FORM = _add("BR029B", 400, "`countryCode` is not 5 characters", "students")
RELATION_PHONE = _add("BR030", 400, "A relation's `phone` is longer than 20 characters", "students")
RELATION_MOBILE = _add("BR031", 400, "A relation's `mobilePhone` is longer than 20 characters", "students")
RELATION_EMAIL = _add("BR032", 400, "A relation's `email` is no e-mail address", "students")
PREREGISTRATION_ID = _add(
    "BR033", 400, "`preRegistrationId` is missing or longer than 50 characters", "students"
)
PREREGISTRATION_YEAR_REQUIRED = _add("BR034A", 400, "A preregistration without `schoolyear`", "students")
SCHOOL_YEAR_INVALID = _add(
    "BR034B",
    400,
    "A school year (the `schoolYear` query, a preregistration's `schoolyear`) is not `2025` or `2025-26`, "
    "with years that follow each other, within 1990-2099",
    "students, bills",
)
PREREGISTRATION_YEAR = _add(
    "BR034C", 400, "A preregistration for another school year than the current or the next", "students"
)
INSTITUTE_REQUIRED = _add("BR035A", 400, "A preregistration without `institute`", "students")
INSTITUTE_MISMATCH = _add(
    "BR035C", 400, "The preregistration's `institute` differs from `InstituteNo`", "students"
)
STRUCTURE_LENGTH = _add("BR036B", 400, "`structure` is missing or not 3 characters", "students")
UNKNOWN_STRUCTURE = _add("BR036D", 400, "The institute has no such `structure`", "students")
LOCATION_FORM = _add("BR037B", 400, "`locationId` is missing or not 3 characters", "students")
UNKNOWN_LOCATION = _add("BR037C", 400, "The institute has no such `locationId`", "students")
ADMINISTRATIVE_GROUP_REQUIRED = _add("BR038A", 400, "A preregistration without `admgrpId`", "students")
ADMINISTRATIVE_GROUP_FORM = _add("BR038B", 400, "`admgrpId` is not 6 characters", "students")
UNKNOWN_ADMINISTRATIVE_GROUP = _add("BR038C", 400, "No such `admgrpId` at the institute", "students")
ADMINISTRATIVE_GROUP_DETAIL = _add("BR039", 400, "`admgrpDetail` is longer than 200 characters", "students")
PREREGISTRATION_DATE_REQUIRED = _add(
    "BR040A",
    400,
    "A preregistration without `preRegistrationDate` (or not `Y-m-d` or `Y-m-dTH:i`)",
    "students",
)
PREREGISTRATION_DATE = _add("BR040B", 400, "`preRegistrationDate` is not before `startDate`", "students")
START_DATE_REQUIRED = _add("BR041A", 400, "A preregistration without `startDate`", "students")
START_DATE_OUTSIDE_YEAR = _add("BR041B", 400, "`startDate` lies outside the school year", "students")
REGISTRATION_STATUS = _add("BR042", 400, "`registrationStatus` is not 0 or 1", "students")
RELATION_INSZ = _add("BR043A", 400, "A relation's `insz` is no national number", "students")
PREREGISTRATION_NOT_FOUND = _add("DNF001", 404, "No preregistration with this id", "students")
STUDENT_NOT_FOUND = _add("DNF002", 404, "No student with this `persoonId`", "students")
ACCEPTED_NOT_CHANGEABLE = _add(
    "MNA001", 405, "The school accepted the preregistration: it cannot change", "students"
)
REFUSED_NOT_CHANGEABLE = _add(
    "MNA002", 405, "The school refused the preregistration: it cannot change", "students"
)
ACCEPTED_NOT_DELETABLE = _add(
    "MNA003", 405, "The school accepted the preregistration: it cannot be deleted", "students"
)
REFUSED_NOT_DELETABLE = _add(
    "MNA004", 405, "The school refused the preregistration: it cannot be deleted", "students"
)

# staff: the codes and messages of the public client's staff `ErrorCode` where it has one
PERSON_ID = _add("BR001", 400, "The path's `personId` is no GUID", "staff")
INTERRUPTION_ID = _add(
    "BR002", 400, "The path's `interruptionId` is empty or longer than 50 characters", "staff"
)
INTERRUPTION_INSTITUTE = _add(
    "BR003A", 400, "An interruption without `instelnr`, or another than `InstituteNo`", "staff"
)
INTERRUPTION_YEAR_REQUIRED = _add("BR004A", 400, "An interruption without `schooljaar`", "staff")
STAFF_YEAR_FORM = _add(
    "BR004B",
    400,
    "An interruption's `schooljaar` is not `2025-26`, or the `schoolYear` query not `2025` or `2025-26` "
    "(years that follow each other, within 1990-2099)",
    "staff",
)
INTERRUPTION_STRUCTURE_REQUIRED = _add("BR005A", 400, "An interruption without `hfd`", "staff")
STRUCTURE_FORM = _add("BR005B", 400, "`structure` or `hfd` is not 3 characters long", "staff")
INTERRUPTION_CODE_REQUIRED = _add("BR006A", 400, "An interruption without `code`", "staff")
INTERRUPTION_CODE = _add("BR006B", 400, "`code` is not an interruption code", "staff")
INTERRUPTION_BEGIN = _add("BR007A", 400, "An interruption without `begindatum`", "staff")
INTERRUPTION_END = _add("BR008A", 400, "An interruption without `einddatum`", "staff")
INTERRUPTION_END_BEFORE_BEGIN = _add("BR008B", 400, "`einddatum` lies before `begindatum`", "staff")
INTERRUPTION_REMARK = _add("BR009", 400, "`opmerking` is longer than 50 characters", "staff")
INTERRUPTION_DOCTOR = _add("BR010", 400, "`naamGeneesheer` is longer than 75 characters", "staff")
INTERRUPTION_DOCTOR_PHONE = _add("BR011", 400, "`telefoonGeneesheer` is longer than 20 characters", "staff")
INTERRUPTION_SENDER_REQUIRED = _add("BR012A", 400, "An interruption without `afzender`", "staff")
INTERRUPTION_SENDER_LONG = _add("BR012B", 400, "`afzender` is longer than 50 characters", "staff")
STRUCTURE_NOT_SUPPORTED = _add(
    "BR013",
    400,
    "Institute, school year and `structure` (or `hfd`) do not combine: only 311 and 312, and only one "
    "the institute has",
    "staff",
)
INTERRUPTION_EMPLOYEE = _add("BR014", 400, "No employee at the institute with the path's `personId`", "staff")
ATTACHMENT_ID = _add("BR015", 400, "The path's `attachmentId` is empty or longer than 50 characters", "staff")
ATTACHMENT_NAME_REQUIRED = _add("BR016A", 400, "An attachment without `filename`", "staff")
ATTACHMENT_NAME_LONG = _add("BR016B", 400, "`filename` is longer than 100 characters", "staff")
ATTACHMENT_EXTENSION = _add("BR016C", 400, "`filename` has an extension the API does not take", "staff")
ATTACHMENT_FILE_REQUIRED = _add("BR017A", 400, "An attachment without `file` (base64)", "staff")
ATTACHMENT_TOO_LARGE = _add("BR017B", 400, "The attachment is larger than 10 MB", "staff")
INTERRUPTION_NOT_FOUND = _add("BR018", 400, "No interruption with this id at the institute", "staff")
ATTACHMENT_NOT_LINKED = _add("BR019", 400, "The attachment is not linked to this interruption", "staff")
INTERRUPTION_OF_OTHER_SCHOOL = _add("MNA001", 405, "The interruption id belongs to another school", "staff")
INTERRUPTION_OF_OTHER_EMPLOYEE = _add(
    "MNA002", 405, "The interruption id belongs to another employee", "staff"
)
INTERRUPTION_OVERLAPS = _add(
    "MNA005", 405, "A new interruption overlaps another interruption of the employee", "staff"
)
CHANGED_INTERRUPTION_OVERLAPS = _add(
    "MNA006", 405, "A changed interruption overlaps another interruption of the employee", "staff"
)
ATTACHMENT_OF_OTHER_EMPLOYEE = _add("MNA007", 405, "The attachment id belongs to another employee", "staff")
SIGNING_STATUS = _add("BR_DOC_010", 400, "`status` of a signed document is not a signing status", "staff")
SIGNED_FILE_REQUIRED = _add(
    "BR_DOC_011", 400, "Status `Ondertekend` without the signed PDF in `bestand`", "staff"
)
SIGNED_FILE_NOT_PDF = _add("BR_DOC_012", 400, "`bestand` is not a PDF", "staff")
SIGNED_AT = _add(
    "BR_DOC_013", 400, "`tijdstip` is not an instant with its offset (`2026-11-17T10:15:00Z`)", "staff"
)
RL_TYPE = _add("BR_DOC_007", 400, "`rlType` is not RL1, RL2 or RL4", "staff")
EMPLOYEE_NOT_FOUND = _add("DNF020", 404, "No employee with this `personId` at the institute", "staff")
EMPLOYEE_PHOTO_NOT_FOUND = _add("DNF021", 404, "The employee has no photo", "staff")
DOCUMENT_NOT_FOUND = _add("DNF022", 404, "The employee has no document with this id", "staff")

# school bills (Rekeningen)
ACCESS_GROUP_INACTIVE = _add(
    "BR090A", 403, "Nobody logged in to the access group for this school year in iRekeningen", "bills"
)
PDF_NOT_READY = _add(
    "BR091A", 409, "The bill's PDF is not made yet; retry after `Retry-After` seconds", "bills"
)
NO_ACTIVE_USER = _add("BR092A", 400, "The access group has no active user to register payments as", "bills")
NO_EXTERN_JOURNAL = _add("BR093A", 400, 'The school has no "Extern" or "Extern_Dubieus" journal', "bills")
JOURNAL_NOT_USABLE = _add(
    "BR094A", 400, "The payment's `journal` is not one of the school's Extern journals", "bills"
)
AMOUNT_OVER_BALANCE = _add("BR095A", 400, "The payment is more than the bill's open balance", "bills")
PAYMENT_DATE_NOT_PAST = _add("BR096A", 400, "The payment's `date` lies in the future", "bills")
DUPLICATE_PAYMENT = _add(
    "BR097A", 400, "A payment with this `reference` is already registered on the bill", "bills"
)
ACCESS_GROUP_NOT_FOUND = _add("DNF090", 404, "No access group with this name", "bills")
BILL_NOT_FOUND = _add("DNF091", 404, "No bill with this id (or not issued yet)", "bills")
PDF_JOB_NOT_FOUND = _add("DNF092", 404, "No PDF job with this id", "bills")
PDF_EXPIRED = _add(
    "DNF093", 410, "The PDF was made more than a year ago and is gone; ask for a new one", "bills"
)

# Engine-detected violations of these fields carry Informat's own code and Dutch message: by the
# field's path (list indices left out), else by its first name; a missing field (or an empty one)
# by the `required` table, else like any other violation of that field.
Rules = dict[str, tuple[ErrorCode, str]]

COMMON_RULES: Rules = {
    "InstituteNo": (INSTITUTE_NUMBER_FORM, "Instellingsnummer moet 6 karakters lang zijn."),
    "schoolYear": (SCHOOL_YEAR_INVALID, "Ongeldig schooljaar."),
    "Api-Version": (API_VERSION, "De header Api-Version is verplicht en moet 2 zijn."),
}
STUDENT_RULES: Rules = {
    **COMMON_RULES,
    "lastName": (LAST_NAME_LONG, "De achternaam mag maximum 50 karakters lang zijn."),
    "firstName": (FIRST_NAME_LONG, "De voornaam mag maximum 50 karakters lang zijn."),
    "additionalNames": (OTHER_NAMES_LONG, "Bijkomende namen mogen maximum 160 karakters lang zijn."),
    "dateOfBirth": (BIRTH_DATE, "Ongeldige geboortedatum."),
    "countryOfBirthCode": (BIRTH_COUNTRY_FORM, "Code geboorteland moet 5 karakters bevatten."),
    "placeOfBirthCode": (BIRTH_PLACE_CODE, "Code geboorteplaats mag maximum 10 karakters bevatten."),
    "placeOfBirth": (BIRTH_PLACE, "Geboorteplaats mag maximum 50 karakters bevatten."),
    "nationalityCode": (NATIONALITY_FORM, "Code nationaliteit moet 5 karakters bevatten."),
    "sex": (SEX, "Ongeldig geslacht."),
    "insz": (INSZ, "Ongeldig rijksregisternummer."),
    "eIdNo": (EID_NUMBER, "Het eID-nummer mag maximum 12 karakters lang zijn."),
    "mobilePhone": (MOBILE, "Het gsm-nummer mag maximum 20 karakters lang zijn."),
    "email": (EMAIL, "Ongeldig e-mailadres."),
    "nameOfDoctor": (DOCTOR, "Naam dokter mag maximum 100 karakters lang zijn."),
    "phoneOfDoctor": (DOCTOR_PHONE, "Telefoonnummer dokter mag maximum 20 karakters lang zijn."),
    "firstLanguage": (FIRST_LANGUAGE, "Moedertaal mag maximum 100 karakters lang zijn."),
    "religion": (RELIGION, "Ongeldige religie."),
    "priorityGroup": (PRIORITY_GROUP, "Ongeldige prioriteitsgroep."),
    "reasonForRefusal": (REFUSAL_REASON, "Ongeldige reden tot weigering."),
    "Relationships": (RELATIONS, "Er zijn maximum 2 relaties toegelaten."),
    "Relationships.type": (RELATION_TYPE, "Ongeldig relatietype."),
    "Relationships.lastName": (
        RELATION_LAST_NAME_LONG,
        "Achternaam relatie mag maximum 50 karakters lang zijn.",
    ),
    "Relationships.firstName": (
        RELATION_FIRST_NAME_LONG,
        "Voornaam relatie mag maximum 30 karakters lang zijn.",
    ),
    "Relationships.Address.streetName": (
        RELATION_STREET_LONG,
        "Straat relatie mag maximum 50 karakters lang zijn.",
    ),
    "Relationships.Address.houseNo": (
        RELATION_HOUSE_LONG,
        "Huisnummer relatie mag maximum 10 karakters lang zijn.",
    ),
    "Relationships.Address.houseBusNo": (
        RELATION_BOX_LONG,
        "Busnummer relatie mag maximum 6 karakters lang zijn.",
    ),
    "Relationships.Address.postalCode": (
        RELATION_POSTAL_CODE_LONG,
        "Postcode relatie mag maximum 8 karakters lang zijn.",
    ),
    "Relationships.Address.city": (
        RELATION_CITY_LONG,
        "Gemeente relatie mag maximum 30 karakters lang zijn.",
    ),
    "Relationships.Address.countryCode": (
        RELATION_COUNTRY_FORM,
        "Landcode relatie moet 5 karakters lang zijn.",
    ),
    "Relationships.phone": (RELATION_PHONE, "Telefoonnummer relatie mag maximum 20 karakters lang zijn."),
    "Relationships.mobilePhone": (RELATION_MOBILE, "GSM-nummer relatie mag maximum 20 karakters lang zijn."),
    "Relationships.email": (RELATION_EMAIL, "Ongeldig e-mailadres voor relatie."),
    "Relationships.insz": (RELATION_INSZ, "Ongeldig rijksregisternummer voor relatie."),
    "preRegistrationId": (PREREGISTRATION_ID, "Ongeldige preregistratie ID."),
    "schoolyear": (SCHOOL_YEAR_INVALID, "Ongeldig schooljaar."),
    "institute": (INSTITUTE_NUMBER_FORM, "Instellingsnummer moet 6 karakters lang zijn."),
    "structure": (STRUCTURE_LENGTH, "Structuur moet 3 karakters lang zijn."),
    "locationId": (LOCATION_FORM, "Locatie ID moet 3 karakters lang zijn."),
    "admgrpId": (ADMINISTRATIVE_GROUP_FORM, "Administratieve groep moet 6 karakters lang zijn."),
    "admgrpDetail": (
        ADMINISTRATIVE_GROUP_DETAIL,
        "Administratieve groep detail mag maximum 200 karakters lang zijn.",
    ),
    "preRegistrationDate": (PREREGISTRATION_DATE_REQUIRED, "Datum voorinschrijving is verplicht."),
    "startDate": (START_DATE_REQUIRED, "Startdatum is verplicht."),
    "registrationStatus": (REGISTRATION_STATUS, "Ongeldige registratie status."),
}
STUDENT_REQUIRED: Rules = {
    "lastName": (LAST_NAME_REQUIRED, "De achternaam is verplicht."),
    "firstName": (FIRST_NAME_REQUIRED, "De voornaam is verplicht."),
    "countryOfBirthCode": (BIRTH_COUNTRY_REQUIRED, "Code geboorteland is verplicht."),
    "nationalityCode": (NATIONALITY_REQUIRED, "Code nationaliteit is verplicht."),
    "Relationships.lastName": (RELATION_LAST_NAME_REQUIRED, "Achternaam is verplicht voor relaties."),
    "Relationships.firstName": (RELATION_FIRST_NAME_REQUIRED, "Voornaam is verplicht voor relaties."),
    "Relationships.Address.streetName": (RELATION_STREET, "Straat is verplicht voor relaties."),
    "Relationships.Address.houseNo": (RELATION_HOUSE, "Huisnummer is verplicht voor relaties."),
    "Relationships.Address.postalCode": (RELATION_POSTAL_CODE, "Postcode is verplicht voor relaties."),
    "Relationships.Address.city": (RELATION_CITY, "Gemeente is verplicht voor relaties."),
    "Relationships.Address.countryCode": (RELATION_COUNTRY, "Landcode is verplicht voor relaties."),
    "schoolyear": (PREREGISTRATION_YEAR_REQUIRED, "Schooljaar is verplicht."),
    "institute": (INSTITUTE_REQUIRED, "Instellingsnummer is verplicht."),
    "admgrpId": (ADMINISTRATIVE_GROUP_REQUIRED, "Administratieve groep is verplicht."),
}
STAFF_RULES: Rules = {
    **COMMON_RULES,
    "schoolYear": (STAFF_YEAR_FORM, "Ongeldig schooljaar formaat."),
    "personId": (PERSON_ID, "Ongeldig PersonId."),
    "interruptionId": (INTERRUPTION_ID, "Ongeldig InterruptionId."),
    "attachmentId": (ATTACHMENT_ID, "Ongeldig AttachmentId."),
    "instelnr": (INTERRUPTION_INSTITUTE, "Het instellingsnummer is verplicht."),
    "schooljaar": (STAFF_YEAR_FORM, "Ongeldig schooljaar formaat."),
    "hfd": (STRUCTURE_FORM, "Hoofdstructuur moet bestaan uit 3 karakters."),
    "code": (INTERRUPTION_CODE, "Ongeldige code."),
    "begindatum": (INTERRUPTION_BEGIN, "Begindatum is verplicht."),
    "einddatum": (INTERRUPTION_END, "Einddatum is verplicht."),
    "opmerking": (INTERRUPTION_REMARK, "Opmerking mag maximum 50 karakters bevatten."),
    "naamGeneesheer": (INTERRUPTION_DOCTOR, "Naam geneesheer mag maximum 75 karakters bevatten."),
    "telefoonGeneesheer": (
        INTERRUPTION_DOCTOR_PHONE,
        "Telefoon geneesheer mag maximum 20 karakters bevatten.",
    ),
    "afzender": (INTERRUPTION_SENDER_LONG, "Afzender mag maximum 50 karakters bevatten"),
    "filename": (ATTACHMENT_NAME_LONG, "Bestandsnaam mag maximum 100 karakters bevatten."),
    "file": (ATTACHMENT_FILE_REQUIRED, "Bestand is verplicht."),
    "rlType": (RL_TYPE, "Ongeldig rlType: enkel RL1, RL2 en RL4."),
    "status": (SIGNING_STATUS, "Ongeldige tekenstatus."),
    "tijdstip": (SIGNED_AT, "Ongeldig tijdstip."),
}
STAFF_REQUIRED: Rules = {
    "schooljaar": (INTERRUPTION_YEAR_REQUIRED, "Het schooljaar is verplicht."),
    "hfd": (INTERRUPTION_STRUCTURE_REQUIRED, "Hoofdstructuur is verplicht."),
    "code": (INTERRUPTION_CODE_REQUIRED, "Code is verplicht."),
    "afzender": (INTERRUPTION_SENDER_REQUIRED, "Afzender is verplicht"),
    "filename": (ATTACHMENT_NAME_REQUIRED, "Bestandsnaam is verplicht."),
}

INFORMAT_CODE = re.compile(r"((BR|DNF|MNA|AUT)[0-9]{3}[A-Z]?|BR_DOC_[0-9]{3})$")

KIND_CODES = {
    errors.MISSING_CREDENTIALS: MISSING_TOKEN,
    errors.INVALID_CREDENTIALS: INVALID_TOKEN,
    errors.FORBIDDEN: MISSING_SCOPE,
    errors.UNKNOWN_PATH: UNKNOWN_PATH,
    errors.METHOD_NOT_ALLOWED: METHOD_NOT_ALLOWED,
    errors.NOT_ACCEPTABLE: NOT_ACCEPTABLE,
    errors.UNSUPPORTED_MEDIA_TYPE: UNSUPPORTED_MEDIA_TYPE,
    errors.REQUEST_TOO_LARGE: BODY_TOO_LARGE,
    errors.URI_TOO_LONG: URI_TOO_LONG,
    errors.HEADERS_TOO_LARGE: HEADERS_TOO_LARGE,
    errors.RATE_LIMITED: RATE_LIMITED,
    errors.SERVER_ERROR: SERVER_ERROR,
}


def informat_error(code: ErrorCode, message: str, *, field: str = "", **extra) -> ApiError:
    """A refusal with one of Informat's codes (its status comes with it) and a Dutch message."""
    return ApiError(
        code.status, code.code, message, violations=[Violation(field, code.code, message)], **extra
    )


def violation(field: str, code: ErrorCode, message: str) -> Violation:
    """One broken rule of a request that may break several (all are answered together)."""
    return Violation(field, code.code, message)


def _entry(code: str, message: str) -> dict:
    return {"code": code, "message": message, "Code": code, "Message": message}


def _is_missing(violation: Violation) -> bool:
    return violation.rule == "required" or violation.message == "must be at least 1 characters long"


def error_renderer(rules: Rules, required: Rules) -> Callable[[Problem], Response]:
    """The error answer of one Informat API, whose field rules carry its own codes."""

    def entry(violation: Violation) -> dict:
        if INFORMAT_CODE.match(violation.rule):
            return _entry(violation.rule, violation.message)
        path = re.sub(r"\[[0-9]+\]", "", violation.field)
        for name in (path, path.split(".", 1)[0]):
            rule = required.get(name) if _is_missing(violation) else None
            if rule or name in rules:
                code, message = rule or rules[name]
                return _entry(code.code, f"{message} ({violation.field} {violation.message})")
        return _entry(INVALID_FIELD.code, f"{violation.field or 'body'} {violation.message}")

    def render(problem: Problem) -> Response:
        entries = [entry(v) for v in problem.violations]
        if not entries:
            kind_code = KIND_CODES[problem.kind].code if problem.kind in KIND_CODES else problem.kind.upper()
            entries = [_entry(kind_code, problem.detail or problem.title)]
        message = problem.detail or problem.title
        if problem.violations and problem.kind == errors.INVALID_REQUEST:
            message = "De aanvraag is ongeldig: " + "; ".join(e["message"] for e in entries)
        return Response(
            orjson.dumps({"message": message, "errors": entries}),
            status_code=problem.status,
            media_type="application/json",
            headers=problem.headers,
        )

    return render


render_error = error_renderer(COMMON_RULES, {})
render_student_error = error_renderer(STUDENT_RULES, STUDENT_REQUIRED)
render_staff_error = error_renderer(STAFF_RULES, STAFF_REQUIRED)
