"""The staff of the Informat world: who works at each school when, in which function, with which
diplomas, own fields and Edison documents.

An institute has a number of posts (its fixture's `staff`), each with a fixed function (the first
post is the director's). A post is held by one employee after another: its first holder started
between 1976 and 1991; a holder retires at the end of the school year in which they would turn
60-64, or leaves earlier (a few of them in the middle of a year), and the next holder starts the
next day. Each school year also has substitutes (interimarissen), who teach for a few weeks and
leave. The employees of a school year are the holders of its posts and its substitutes during
that year. An employee is a pure function of the seed and (institute, post, holder number), which
its `personId` encodes, so any replica finds an employee from its id alone.
"""

from __future__ import annotations

import random
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from stdnum.be import iban as stdnum_be_iban

from sandbox.apis.informat.world import (
    CITIES,
    LOCALE,
    STREETS,
    Address,
    InformatWorld,
    Institute,
    p_number,
)
from sandbox.worlds.calendar import (
    day_in_year,
    local_day,
    monday_after_weekend,
    school_year_bounds,
    school_year_of,
)
from sandbox.worlds.identities import be_iban, be_phone, person_national_number
from sandbox.worlds.ids import keyed_guid, parse_keyed_guid
from sandbox.worlds.names import domain, email, name_pool
from sandbox.worlds.rng import rng_for

FIRST_HOLDERS_FROM, FIRST_HOLDERS_UNTIL = 1976, 1991  # school years the first holders started in
EARLY_LEAVE_PER_YEAR = 0.03
MID_YEAR_SHARE = 0.4  # of early leavers, those who leave in the middle of a school year
INTERIMS_PER_POST = 0.3  # substitutes per school year, for each post of the institute
INTERIM_POSTS = 50_000  # a substitute's personId holds 50000 + its number where a holder's holds its post
BELGIUM = "00150"
# official country codes: nationality, country of birth, and a birthplace there
ABROAD = (("00129", "Breda"), ("00111", "Rijsel"), ("00354", "Tanger"), ("00103", "Aken"))
BANKS = (1, 68, 734, 363, 973, 103)  # BNP Paribas Fortis, Belfius, KBC, ING, Argenta, Crelan
UNIVERSITIES = ("KU Leuven", "Universiteit Gent", "Universiteit Antwerpen", "Vrije Universiteit Brussel")
COLLEGES = ("Thomas More", "Odisee", "Artevelde Hogeschool", "UCLL", "Karel de Grote Hogeschool", "VIVES")
SUBJECTS = (
    "Wiskunde", "Nederlands", "Geschiedenis", "Biologie", "Chemie", "Fysica", "Geografie",
    "Engels", "Frans", "Economie", "Informatica", "Lichamelijke opvoeding",
)  # fmt: skip
APPOINTED = "Vastbenoemd"
TADD = "TADD"  # tijdelijk aangesteld van doorlopende duur
TEMPORARY = "Tijdelijk"
RL_TYPES = ("RL1", "RL2", "RL4")
SIGNING = ("Opgehaald", "Bekeken", "Ondertekend")


# -- functions (ambten) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Function:
    code: str  # the sandbox's own codes
    name: str
    full_time: int  # hours (or parts) of a full-time assignment
    female_share: float
    groups: tuple[str, ...]
    teaches: bool = False


DIRECTOR = Function("DIR", "Directeur", 1, 0.5, ("Directie",))
SECONDARY = (
    DIRECTOR,
    Function("ADJ", "Adjunct-directeur", 1, 0.5, ("Directie",)),
    Function("ADM", "Administratief medewerker", 36, 0.8, ("Secretariaat",)),
    Function("OPV", "Opvoeder", 36, 0.55, ("Leerlingenbegeleiding",)),
    Function("TAC", "Technisch adviseur-coördinator", 36, 0.3, ("Directie", "Leerkrachten")),
    Function("BOS", "Beleidsondersteuner", 36, 0.6, ("Leerlingenbegeleiding",)),
)
SECONDARY_TEACHER = Function("LSO", "Leraar secundair onderwijs", 22, 0.62, ("Leerkrachten",), teaches=True)
PRIMARY = (
    DIRECTOR,
    Function("ADM", "Administratief medewerker", 36, 0.85, ("Secretariaat",)),
    Function("ZOC", "Zorgcoördinator", 24, 0.9, ("Zorgteam",)),
    Function("LLO", "Leermeester lichamelijke opvoeding", 24, 0.5, ("Leerkrachten",), teaches=True),
)
INFANT_TEACHER = Function(
    "KOL", "Kleuteronderwijzer", 24, 0.95, ("Leerkrachten", "Kleuterteam"), teaches=True
)
PRIMARY_TEACHER = Function("OND", "Onderwijzer", 24, 0.8, ("Leerkrachten", "Lager"), teaches=True)
SIDE_FUNCTION = Function("ICT", "ICT-coördinator", 36, 0.4, ())
SECONDARY_GRADES = ("Eerste graad", "Tweede graad", "Derde graad")
STAFF_GROUPS = (
    "Directie", "Secretariaat", "Leerkrachten", "Leerlingenbegeleiding", "Zorgteam", "Kleuterteam",
    "Lager", *SECONDARY_GRADES,
)  # fmt: skip


def function_of(institute: Institute, post: int) -> Function:
    """The function of a post: the first posts are direction and support; the rest teach."""
    fixed = PRIMARY if institute.primary else SECONDARY
    if post < len(fixed):
        return fixed[post]
    if not institute.primary:
        return SECONDARY_TEACHER
    return INFANT_TEACHER if (post - len(fixed)) % 3 == 0 else PRIMARY_TEACHER


# -- the people ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Partner:
    key: str
    naam: str
    voornaam: str
    born: date
    nationality: str
    died: date | None
    income: int


@dataclass(frozen=True)
class Child:
    key: str
    naam: str
    voornaam: str
    sex: int
    born: date


@dataclass(frozen=True)
class Employee:
    institute: Institute
    post: int
    holder: int
    function: Function
    person_id: str
    persona_id: str
    p_persoon: int
    naam: str
    voornaam: str
    other_names: str | None
    sex: int  # 1 male, 2 female
    born: date
    birthplace: str
    birth_country: str
    nationality: str
    rijksregisternr: str
    stamnr: str
    iban: str
    bic: str | None
    address: Address
    mobile: str
    private_email: str
    work_email: str
    starts: date  # first day at the school
    ends: date  # last day at the school
    retires: bool  # leaves by retiring (else for another school or job)
    career_starts: date  # first day in education
    first_in_group: date | None
    first_in_community: date | None
    tadd_from: int  # school year from which the employee is TADD
    appointed_from: int | None  # school year from which the employee is appointed (vastbenoemd)
    part_time: int  # hours of the main assignment (function.full_time when full time)
    civil_status: int
    partner: Partner | None
    children: tuple[Child, ...]
    disabled: bool
    has_photo: bool
    subject: str | None

    @property
    def pension_date(self) -> date:
        """The day after the last day of service when retiring here, else the legal pension date."""
        if self.retires:
            return self.ends + timedelta(days=1)
        legal_age = 65 if self.born.year < 1960 else 66 if self.born.year < 1964 else 67
        birthday = date(self.born.year + legal_age, self.born.month, min(self.born.day, 28))
        return date(birthday.year + birthday.month // 12, birthday.month % 12 + 1, 1)

    @property
    def staff_groups(self) -> tuple[str, ...]:
        """The staff groups (personeelsgroepen) the employee belongs to."""
        if self.function is SECONDARY_TEACHER:
            return (*self.function.groups, SECONDARY_GRADES[self.post % len(SECONDARY_GRADES)])
        return self.function.groups

    def works_on(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    def serves_in(self, year: int) -> bool:
        if not 0 < year < 9999:  # school years whose bounds a date can hold
            return False
        first, last = school_year_bounds(year)
        return self.starts <= last and self.ends >= first

    def status_in(self, year: int) -> str:
        if self.appointed_from is not None and year >= self.appointed_from:
            return APPOINTED
        return TADD if year >= self.tadd_from else TEMPORARY


@dataclass(frozen=True)
class Assignment:
    id: str
    employee: Employee
    year: int
    function: Function
    main: bool
    status: str
    hours: int
    begins: date
    ends: date


@dataclass(frozen=True)
class Diploma:
    id: str
    description: str
    issuer: str
    issued: date
    main: bool
    qualification: bool  # a bekwaamheidsbewijs


@dataclass(frozen=True)
class OwnField:
    id: str
    name: str
    data_type: str
    section: int
    value: str | int | bool | None


@dataclass(frozen=True)
class StaffDocument:
    document_id: int
    employee: Employee
    year: int
    rl_type: str
    assignment: Assignment
    made: datetime
    signing: tuple[tuple[str, datetime], ...]  # the signing statuses it goes through, and when
    sent: datetime | None  # to Edison, once signed
    acknowledged: datetime | None  # Edison's status change after sending
    message_id: int
    reference: str
    effective: date

    def signing_status(self, now: datetime) -> str | None:
        reached = [status for status, at in self.signing if at <= now]
        return reached[-1] if reached else None


# -- the roster ------------------------------------------------------------------------------------
class StaffRoster:
    """The holders of every post, generated lazily post by post, and what belongs to them."""

    def __init__(self, world: InformatWorld) -> None:
        self.world = world
        self.secret = world.secret
        self._chains: dict[tuple[int, int], list[Employee]] = {}
        self._interims: dict[tuple[int, int], list[Employee]] = {}

    def _rng(self, key: str) -> random.Random:
        return rng_for(self.secret, "staff", key)

    # -- who works where and when

    def chain(self, institute: Institute, post: int, until: date) -> list[Employee]:
        """The holders of a post, from the first up to the one who holds it on `until`."""
        holders = self._chains.setdefault((institute.index, post), [])
        while not holders or holders[-1].ends < until:
            if holders:
                starts = holders[-1].ends + timedelta(days=1)
                if (starts.month, starts.day) != (9, 1):
                    starts = monday_after_weekend(starts)
            else:
                rng = self._rng(f"post:{institute.index}:{post}")
                starts = date(rng.randint(FIRST_HOLDERS_FROM, FIRST_HOLDERS_UNTIL), 9, 1)
            holders.append(self._holder(institute, post, len(holders), starts))
        return holders

    def interims(self, institute: Institute, year: int) -> list[Employee]:
        """The substitutes (interimarissen) of a school year: teachers who replace an absent
        colleague for two weeks to three months, and then leave the school."""
        found = self._interims.get((institute.index, year))
        if found is None:
            found = self._interims[(institute.index, year)] = []
            for nth in range(max(1, round(institute.staff * INTERIMS_PER_POST))):
                rng = self._rng(f"interim:{institute.index}:{year}:{nth}")
                starts = monday_after_weekend(date(year, 9, 8) + timedelta(days=rng.randrange(266)))
                ends = min(starts + timedelta(days=rng.randint(14, 90)), date(year + 1, 6, 30))
                function = function_of(institute, len(PRIMARY if institute.primary else SECONDARY) + nth)
                found.append(self._person(institute, INTERIM_POSTS + nth, year, function, starts, ends))
        return found

    def employees(self, institute: Institute, year: int, today: date) -> list[Employee]:
        """The employees of a school year: in a past or the current year those who served in it
        (so far), in a future year those who work at the school today."""
        current = school_year_of(today)
        if year < FIRST_HOLDERS_FROM:
            return []
        found = []
        if year > current:
            for post in range(institute.staff):
                found.extend(e for e in self.chain(institute, post, today) if e.works_on(today))
            found.extend(e for e in self.interims(institute, current) if e.works_on(today))
            return found
        first, last = school_year_bounds(year)
        until = min(last, today)
        for post in range(institute.staff):
            found.extend(
                e for e in self.chain(institute, post, until) if e.starts <= until and e.ends >= first
            )
        found.extend(e for e in self.interims(institute, year) if e.starts <= until)
        return found

    def employee(self, person_id: str, institute: Institute, today: date) -> Employee | None:
        """The employee with this personId at this institute, if it has started there by today."""
        parts = parse_keyed_guid(self.secret, "employee", person_id)
        if parts is None or parts[0] != institute.index:
            return None
        _, post, holder = parts
        if post >= INTERIM_POSTS:  # a substitute: the holder part is its school year
            nth, year = post - INTERIM_POSTS, holder
            known = FIRST_HOLDERS_FROM <= year <= school_year_of(today)
            holders = self.interims(institute, year) if known else []
            holder = nth
        elif post < institute.staff:
            holders = self.chain(institute, post, today)
        else:
            return None
        if holder >= len(holders) or holders[holder].starts > today:
            return None
        return holders[holder]

    def _holder(self, institute: Institute, post: int, holder: int, starts: date) -> Employee:
        return self._person(institute, post, holder, function_of(institute, post), starts)

    def _person(
        self,
        institute: Institute,
        post: int,
        holder: int,
        function: Function,
        starts: date,
        interim_until: date | None = None,
    ) -> Employee:
        """One employee; `interim_until` ends a substitute's service, else it runs to their
        retirement or an earlier departure."""
        rng = self._rng(f"employee:{institute.index}:{post}:{holder}")
        sex = 2 if rng.random() < function.female_share else 1
        low, high = (
            (35, 50) if function in (DIRECTOR, SECONDARY[1]) else (22, 35) if interim_until else (22, 49)
        )
        age = low + round(rng.betavariate(1.3, 3.5) * (high - low))
        born = day_in_year(rng, starts.year - age - 1)  # so at least `age` on the first day
        names = name_pool(LOCALE)
        naam, voornaam = names.last_name(rng), names.first_name(rng, sex)
        other_names = names.first_name(rng, sex) if rng.random() < 0.35 else None
        if rng.random() < 0.9:
            nationality, birthplace = BELGIUM, rng.choice(CITIES)[1]
        else:
            nationality, birthplace = rng.choice(ABROAD)
        earliest_career = born.year + 22  # a first day in education at 21 or older
        career_starts = min(
            date(rng.randint(earliest_career, max(earliest_career, starts.year)), 9, 1), starts
        )
        first_in_community = _between(rng, career_starts, starts) if rng.random() < 0.9 else None
        first_in_group = (
            _between(rng, career_starts, first_in_community or starts) if rng.random() < 0.85 else None
        )
        ends, retires = (
            self._service_end(rng, born, starts) if interim_until is None else (interim_until, False)
        )
        first_year = school_year_of(starts)
        tadd_from = first_year + 2
        appointed_from = first_year + rng.randint(3, 9) if rng.random() < 0.85 and not interim_until else None
        part_time = function.full_time
        if function.full_time > 1 and rng.random() < 0.25:
            part_time = max(1, round(function.full_time * rng.choice((0.5, 0.75, 0.8))))
        civil_status = rng.choices((1, 2, 3, 4, 5, 6), weights=(30, 55, 1, 10, 2, 2))[0]
        partner = None
        if civil_status in (2, 3):
            partner_sex = 3 - sex if rng.random() < 0.95 else sex
            partner_born = born + timedelta(days=rng.randint(-5 * 365, 5 * 365))
            died = _between(rng, career_starts, starts) if civil_status == 3 else None
            partner = Partner(
                key=f"{holder}:partner",
                naam=names.last_name(rng),
                voornaam=names.first_name(rng, partner_sex),
                born=partner_born,
                nationality=BELGIUM,
                died=died,
                income=rng.choices((1, 0, 3), weights=(85, 10, 5))[0],
            )
        children = []
        if civil_status != 1 or rng.random() < 0.2:
            for nth in range(rng.choices((0, 1, 2, 3), weights=(20, 30, 35, 15))[0]):
                child_sex = rng.choice((1, 2))
                children.append(
                    Child(
                        key=f"{holder}:child:{nth}",
                        naam=naam if sex == 1 or partner is None else partner.naam,
                        voornaam=names.first_name(rng, child_sex),
                        sex=child_sex,
                        born=day_in_year(rng, born.year + rng.randint(25, 40)),
                    )
                )
        children.sort(key=lambda c: c.born)
        bank_account = rng.choice(BANKS) * 10**7 + rng.randrange(10**7)
        iban = be_iban(bank_account)
        address = Address(
            rng.choice(STREETS),
            str(rng.randrange(1, 180)),
            str(rng.randrange(1, 20)) if rng.random() < 0.12 else None,
            *((institute.postal_code, institute.city) if rng.random() < 0.5 else rng.choice(CITIES)),
        )
        return Employee(
            institute=institute,
            post=post,
            holder=holder,
            function=function,
            person_id=keyed_guid(self.secret, "employee", institute.index, post, holder),
            persona_id=keyed_guid(self.secret, "persona", institute.index, post, holder),
            p_persoon=p_number(f"{self.secret}:employee:{institute.index}:{post}:{holder}"),
            naam=naam,
            voornaam=voornaam,
            other_names=other_names,
            sex=sex,
            born=born,
            birthplace=birthplace,
            birth_country=nationality,
            nationality=nationality,
            rijksregisternr=person_national_number(rng, born, sex),
            stamnr=str(rng.randrange(10**10, 10**11)),
            iban=iban,
            bic=stdnum_be_iban.to_bic(iban),
            address=address,
            mobile=be_phone(rng, True),
            private_email=email(
                voornaam, naam, rng.choice(("telenet.be", "gmail.com", "proximus.be", "outlook.com"))
            ),
            work_email=email(voornaam, naam, domain(institute.name)),
            starts=starts,
            ends=ends,
            retires=retires,
            career_starts=career_starts,
            first_in_group=first_in_group,
            first_in_community=first_in_community,
            tadd_from=tadd_from,
            appointed_from=appointed_from,
            part_time=part_time,
            civil_status=civil_status,
            partner=partner,
            children=tuple(children),
            disabled=rng.random() < 0.03,
            has_photo=rng.random() < 0.92,
            subject=rng.choice(SUBJECTS) if function is SECONDARY_TEACHER else None,
        )

    @staticmethod
    def _service_end(rng: random.Random, born: date, starts: date) -> tuple[date, bool]:
        """The last day at the school: the end of the school year in which the employee turns
        the age they retire at (60-64), or earlier for another school or job."""
        retire_age = rng.choice((60, 61, 62, 63, 64, 64))
        birthday_after_year_end = (born.month, born.day) > (8, 31)
        last_year = born.year + retire_age - (0 if birthday_after_year_end else 1)
        for year in range(school_year_of(starts), last_year + 1):
            if rng.random() < EARLY_LEAVE_PER_YEAR:
                year_end = date(year + 1, 8, 31)
                if rng.random() < MID_YEAR_SHARE:
                    leaves = date(year, 10, 1) + timedelta(days=rng.randrange(240))
                    return min(max(leaves, starts + timedelta(days=30)), year_end), False
                return year_end, False
        return date(last_year + 1, 8, 31), True

    # -- what belongs to an employee

    def assignments(self, employee: Employee, year: int) -> list[Assignment]:
        """The employee's assignments (opdrachten) in a school year, within their service."""
        if not employee.serves_in(year):
            return []
        first, last = school_year_bounds(year)
        begins, ends = max(first, employee.starts), min(last, employee.ends)
        status = employee.status_in(year)
        key = f"{employee.institute.index}:{employee.post}:{employee.holder}:{year}"
        found = [
            Assignment(
                id=self.guid(f"assignment:{key}:0", employee),
                employee=employee,
                year=year,
                function=employee.function,
                main=True,
                status=status,
                hours=employee.part_time,
                begins=begins,
                ends=ends,
            )
        ]
        rng = self._rng(f"assignments:{key}")
        if employee.function.teaches and rng.random() < 0.15:
            found.append(
                Assignment(
                    id=self.guid(f"assignment:{key}:1", employee),
                    employee=employee,
                    year=year,
                    function=SIDE_FUNCTION,
                    main=False,
                    status=status,
                    hours=rng.randint(2, 6),
                    begins=begins,
                    ends=ends,
                )
            )
        return found

    def diplomas(self, employee: Employee) -> list[Diploma]:
        """The employee's diplomas: the main one just before their first day in education, and
        for a master in secondary school the teacher's qualification (a bekwaamheidsbewijs)."""
        rng = self._rng(f"diplomas:{employee.person_id}")
        graduated = date(employee.career_starts.year, 6, 20) + timedelta(days=rng.randrange(15))
        if graduated >= employee.career_starts:
            graduated = graduated.replace(year=graduated.year - 1)
        function = employee.function
        if function is SECONDARY_TEACHER and rng.random() < 0.55:
            main = (f"Master in de {employee.subject.lower()}", rng.choice(UNIVERSITIES), False)
            extra = ("Educatieve master / Specifieke lerarenopleiding", main[1], True)
        elif function is SECONDARY_TEACHER:
            extra = None
            main = ("Bachelor in het onderwijs: secundair onderwijs", rng.choice(COLLEGES), True)
        elif function is INFANT_TEACHER:
            main, extra = ("Bachelor in het onderwijs: kleuteronderwijs", rng.choice(COLLEGES), True), None
        elif function.teaches or function.code == "ZOC":
            main, extra = ("Bachelor in het onderwijs: lager onderwijs", rng.choice(COLLEGES), True), None
        elif function.code in ("DIR", "ADJ", "TAC"):
            main = ("Master in de pedagogische wetenschappen", rng.choice(UNIVERSITIES), False)
            extra = ("Specifieke lerarenopleiding", main[1], True)
        else:
            main, extra = ("Bachelor in het bedrijfsmanagement", rng.choice(COLLEGES), False), None
        found = [Diploma(self.guid("diploma:0", employee), *main[:2], graduated, True, main[2])]
        if extra is not None:
            found.append(Diploma(self.guid("diploma:1", employee), *extra[:2], graduated, False, extra[2]))
        return found

    def own_fields(self, employee: Employee) -> list[OwnField]:
        """The school's own fields (eigen velden) for one employee."""
        rng = self._rng(f"ownfields:{employee.person_id}")
        inst = employee.institute.index
        first_aid = date(employee.starts.year + 1, 1, 1) + timedelta(days=rng.randrange(8 * 365))
        room = (
            f"{rng.choice('ABC')}{rng.randint(0, 2)}.{rng.randint(1, 20):02d}"
            if employee.function.teaches
            else None
        )
        return [
            OwnField(self._field_id(inst, "badge"), "Badgenummer", "Tekst", 1, f"B{employee.p_persoon:08d}"),
            OwnField(self._field_id(inst, "room"), "Vast lokaal", "Tekst", 1, room),
            OwnField(self._field_id(inst, "bike"), "Fietsvergoeding", "JaNee", 2, rng.random() < 0.4),
            OwnField(
                self._field_id(inst, "distance"), "Afstand woon-werk (km)", "Getal", 2, rng.randint(1, 45)
            ),
            OwnField(
                self._field_id(inst, "first-aid"),
                "EHBO-attest geldig tot",
                "Datum",
                3,
                first_aid.isoformat() if rng.random() < 0.3 else None,
            ),
        ]

    def documents(self, employee: Employee, year: int, now: datetime) -> list[StaffDocument]:
        """The Edison documents of an employee's assignments in a school year, made by `now`:
        an RL1 when an assignment starts (every year while temporary), an RL2 when the employee
        leaves or the assignment changes, now and then an RL4."""
        found = []
        for assignment in self.assignments(employee, year):
            if not assignment.main:
                continue
            rng = self._rng(f"documents:{employee.person_id}:{year}")
            planned: list[tuple[str, date]] = []
            if assignment.status != APPOINTED or school_year_of(employee.starts) == year:
                planned.append(("RL1", assignment.begins))
            if not employee.retires and employee.ends == assignment.ends:
                planned.append(("RL2", assignment.ends))
            elif rng.random() < 0.15:
                planned.append(("RL2", assignment.begins + timedelta(days=rng.randrange(30, 200))))
            if rng.random() < 0.05:
                planned.append(("RL4", assignment.begins + timedelta(days=rng.randrange(30, 250))))
            for nth, (rl_type, effective) in enumerate(planned):
                document = self._document(employee, assignment, nth, rl_type, effective, rng)
                if document.made <= now:
                    found.append(document)
        return found

    def document(self, employee: Employee, document_id: int, now: datetime) -> StaffDocument | None:
        """A document of this employee from its id, which holds the employee, year and number."""
        owner, rest = divmod(document_id, 1000)
        if owner != employee.p_persoon % 10**6:
            return None
        latest = school_year_of(local_day(now)) + 1  # documents are made up to ten days ahead
        year = latest - (latest - rest // 10) % 100  # the last school year ending in those digits
        return next((d for d in self.documents(employee, year, now) if d.document_id == document_id), None)

    def _document(
        self,
        employee: Employee,
        assignment: Assignment,
        nth: int,
        rl_type: str,
        effective: date,
        rng: random.Random,
    ) -> StaffDocument:
        made = datetime.combine(effective - timedelta(days=rng.randrange(0, 10)), time(7), tzinfo=UTC)
        made += timedelta(minutes=rng.randrange(9 * 60), seconds=rng.randrange(60))
        signing, at = [], made
        for status in SIGNING:
            at += timedelta(hours=rng.randrange(2, 60))
            signing.append((status, at))
        refused = rng.random() < 0.04
        if refused:
            signing[-1] = ("Geweigerd", signing[-1][1])
        sent = None if refused else signing[-1][1] + timedelta(hours=rng.randrange(1, 20))
        acknowledged = sent + timedelta(hours=rng.randrange(4, 72)) if sent else None
        return StaffDocument(
            document_id=(employee.p_persoon % 10**6) * 1000 + assignment.year % 100 * 10 + nth,
            employee=employee,
            year=assignment.year,
            rl_type=rl_type,
            assignment=assignment,
            made=made,
            signing=tuple(signing),
            sent=sent,
            acknowledged=acknowledged,
            message_id=rng.randrange(10**6, 10**8),
            reference=f"{employee.institute.number}-{assignment.year}-{rng.randrange(10**5):05d}",
            effective=effective,
        )

    def guid(self, kind: str, employee: Employee) -> str:
        """A GUID for something of an employee's (an address, a diploma, a photo)."""
        return keyed_guid(self.secret, kind, employee.institute.index, employee.post, employee.holder)

    def _field_id(self, institute_index: int, name: str) -> str:
        return keyed_guid(self.secret, f"ownfield:{name}", institute_index, 0, 0)


def _between(rng: random.Random, first: date, last: date) -> date:
    """A 1 September between two days (the first when none lies between them)."""
    years = [y for y in range(first.year, last.year + 1) if first <= date(y, 9, 1) <= last]
    return date(rng.choice(years), 9, 1) if years else first


_rosters: weakref.WeakKeyDictionary[InformatWorld, StaffRoster] = weakref.WeakKeyDictionary()


def roster(world: InformatWorld) -> StaffRoster:
    """The staff roster of a world, made once per world."""
    found = _rosters.get(world)
    if found is None:
        found = _rosters[world] = StaffRoster(world)
    return found
