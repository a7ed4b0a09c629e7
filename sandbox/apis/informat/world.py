"""The Informat world: schools, their students and staff, and the school bills of Rekeningen.

A pure function of the seed and the fixture. A student belongs to a cohort (the school year in
which it entered the first leerjaar) and keeps its identity, name and family through every year it
spends at the school; in school year Y the cohort that entered in S sits in leerjaar Y - S + 1.
Identifiers carry the key they were drawn from, so any replica can find an entity from its id
alone without a listing first: a persoonId or bill id is a GUID whose middle groups encode that
key and whose outer groups are a keyed hash that must match.
"""

from __future__ import annotations

import base64
import functools
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sandbox.worlds.calendar import day_in_year, monday_after_weekend
from sandbox.worlds.identities import be_phone, person_national_number
from sandbox.worlds.ids import keyed_guid, parse_keyed_guid
from sandbox.worlds.names import domain, email, name_pool
from sandbox.worlds.rng import derive_int, rng_for

LOCALE = "nl_BE"  # Flemish schools: Flemish names
GRADES = 6  # leerjaren in both primary (lager) and secondary (secundair) school
ENTRY_AGE = {"211": 6, "311": 12}  # age on 1 September of the first leerjaar
CLASS_LETTERS = "ABCDEFGH"
STREETS = (
    "Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Schoolstraat", "Nieuwstraat",
    "Kapelstraat", "Beekstraat", "Veldstraat", "Hoogstraat", "Kasteelstraat", "Lindenlaan",
    "Leopoldlaan", "Koning Albertlaan", "Zandstraat", "Bosstraat", "Heirbaan", "Vaartstraat",
)  # fmt: skip
CITIES = (
    ("2800", "Mechelen"), ("2000", "Antwerpen"), ("9000", "Gent"), ("9700", "Oudenaarde"),
    ("3000", "Leuven"), ("8000", "Brugge"), ("2500", "Lier"), ("9300", "Aalst"), ("8500", "Kortrijk"),
)  # fmt: skip
PARENT_TYPES = (("Moeder", 2), ("Vader", 1), ("Plusmoeder", 2), ("Plusvader", 1))
# the civil states a relation's `burgerlijkeStand` names, most common first
CIVIL_STATES = ("Gehuwd", "Wettelijk samenwonend", "Ongehuwd", "Gescheiden", "Feitelijk gescheiden")
# the 4-digit codes (levensbeschouwing) of the public client's `Religion` enum, with their weights
RELIGIONS = (("0140", 60), ("0187", 25), ("0135", 8), ("0225", 2), ("0194", 2), ("0136", 1), ("0052", 2))
DOCTORS = ("Dr. Peeters", "Dr. Claes", "Dr. Wouters", "Dr. Maes", "Dr. Jacobs", "Dr. Mertens", "Dr. Willems")
PROFESSIONS = ("Bediende", "Verpleegkundige", "Leerkracht", "Zelfstandige", "Arbeider", "Ambtenaar")


def p_number(key: str) -> int:
    """A database-style integer id (`pPersoon`, `pInschr`) drawn from a key."""
    return 100_000 + derive_int(key, bits=24)


def photo_png(key: str) -> bytes:
    """A small portrait placeholder: a coloured square with a head and shoulders, as PNG."""
    from PIL import Image, ImageDraw

    rng = rng_for(key)
    background = tuple(rng.randrange(150, 230) for _ in range(3))
    figure = tuple(rng.randrange(40, 120) for _ in range(3))
    image = Image.new("RGB", (96, 96), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 14, 66, 50), fill=figure)
    draw.ellipse((14, 56, 82, 124), fill=figure)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def photo_base64(key: str) -> str:
    return base64.b64encode(photo_png(key)).decode()


# -- shape ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Institute:
    index: int
    number: str
    name: str
    structure: str
    location_code: str
    location_name: str
    postal_code: str
    city: str
    per_class: int
    classes: int
    staff: int

    @property
    def primary(self) -> bool:
        return self.structure.startswith("2")


@dataclass(frozen=True)
class User:
    username: str
    active: bool


@dataclass(frozen=True)
class AccessGroup:
    index: int
    name: str
    institute: str
    users: tuple[User, ...]
    journals: tuple[str, ...]
    bills_per_year: int
    logged_in: bool

    @property
    def payment_user(self) -> str | None:
        """The first active user: the one the API registers payments as."""
        return next((u.username for u in self.users if u.active), None)


@dataclass
class Address:
    straat: str
    nr: str
    bus: str | None
    postcode: str
    gemeente: str


@dataclass
class Relation:
    type: str
    sex: int
    voornaam: str
    naam: str
    born: date
    insz: str
    beroep: str
    address: Address
    mobile: str
    email: str
    civil_state: str | None
    phone: str | None  # the landline at home, when the family has one


@dataclass
class Student:
    institute: Institute
    cohort: int  # the school year it entered the first leerjaar
    index: int
    persoon_id: str
    p_persoon: int
    naam: str
    voornaam: str
    voornaam2: str | None
    sex: int
    born: date
    rijksregisternr: str
    stamnr: str
    address: Address
    relations: list[Relation]
    leaves_after: int  # the last school year it is registered (a few leave before leerjaar 6)
    left_on: date | None  # mid-year departure in that last year, if any
    changed: dict[int, datetime] = field(default_factory=dict)  # school year -> last change
    doctor: str | None = None
    doctor_phone: str | None = None
    mobile: str | None = None  # the student's own, from the age of 14 or so
    email: str | None = None  # the school's account of the student
    religion: str = "0140"

    def leerjaar(self, year: int) -> int:
        return year - self.cohort + 1

    def registered_in(self, year: int) -> bool:
        return self.cohort <= year <= min(self.leaves_after, self.cohort + GRADES - 1)

    def class_code(self, year: int) -> str:
        return f"{self.leerjaar(year)}{CLASS_LETTERS[self.index // self.institute.per_class]}"


@dataclass
class BillLine:
    description: str
    quantity: int
    unit_cents: int

    @property
    def cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class WorldPayment:
    cents: int
    on: date
    reference: str
    journal: str


@dataclass
class Bill:
    id: str
    group: AccessGroup
    year: int
    index: int
    number: str
    student: Student
    issued: date
    due: date
    lines: list[BillLine]
    payments: list[WorldPayment]  # what was paid before the API was used (bank CODA)
    changed: datetime

    @property
    def total_cents(self) -> int:
        return sum(line.cents for line in self.lines)


# -- world ------------------------------------------------------------------------------------------
class InformatWorld:
    def __init__(self, seed: str, tenant: str, fixture: dict[str, Any]):
        self.secret = f"{seed}:informat"  # every tenant sees the same schools (scopes name them)
        self.institutes = {
            raw["number"]: Institute(
                index=i,
                number=raw["number"],
                name=raw["name"],
                structure=raw["structure"],
                location_code=raw["location"]["code"],
                location_name=raw["location"]["name"],
                postal_code=raw["city"][0],
                city=raw["city"][1],
                per_class=int(raw.get("students_per_class", 20)),
                classes=int(raw.get("classes_per_year", 2)),
                staff=int(raw.get("staff", 20)),
            )
            for i, raw in enumerate(fixture.get("institutes") or [])
        }
        self.by_index = {inst.index: inst for inst in self.institutes.values()}
        self.groups = {
            raw["name"]: AccessGroup(
                index=i,
                name=raw["name"],
                institute=raw["institute"],
                users=tuple(User(u["username"], bool(u.get("active", True))) for u in raw.get("users") or []),
                journals=tuple(raw.get("journals") or []),
                bills_per_year=int(raw.get("bills_per_year", 20)),
                logged_in=bool(raw.get("logged_in", True)),
            )
            for i, raw in enumerate(fixture.get("access_groups") or [])
        }
        self.group_by_index = {g.index: g for g in self.groups.values()}
        shape = fixture.get("bills") or {}
        self.pdf_seconds = float(shape.get("pdf_seconds", 3))
        self.pdf_keep = timedelta(days=int(shape.get("pdf_keep_days", 365)))
        self.slow_pdf_seconds = float(shape.get("slow_pdf_seconds", 120))
        self.items = [tuple(item) for item in shape.get("items") or [["Schoolreis", 1500, 4500]]]
        self._student = functools.lru_cache(maxsize=16384)(self._build_student)
        self._bill = functools.lru_cache(maxsize=16384)(self._build_bill)

    def _rng(self, key: str) -> random.Random:
        return rng_for(self.secret, key)

    # -- students

    def students(self, institute: Institute, year: int) -> list[Student]:
        """Every student registered at the institute at some time in the school year."""
        found = []
        for cohort in range(year - GRADES + 1, year + 1):
            for index in range(institute.per_class * institute.classes):
                student = self._student(institute.index, cohort, index)
                if student.registered_in(year):
                    found.append(student)
        return found

    def student(self, persoon_id: str) -> Student | None:
        parts = parse_keyed_guid(self.secret, "student", persoon_id)
        if parts is None or parts[0] not in self.by_index:
            return None
        institute = self.by_index[parts[0]]
        if parts[2] >= institute.per_class * institute.classes:
            return None
        return self._student(*parts)

    def _build_student(self, institute_index: int, cohort: int, index: int) -> Student:
        institute = self.by_index[institute_index]
        rng = self._rng(f"student:{institute_index}:{cohort}:{index}")
        # a stream of its own for what was added later, so that every earlier value stayed as it was
        more = self._rng(f"student-more:{institute_index}:{cohort}:{index}")
        names = name_pool(LOCALE)
        sex = rng.choice((1, 2))
        family = names.last_name(rng)
        born = day_in_year(rng, cohort - ENTRY_AGE.get(institute.structure, 12))
        address = self._address(rng, institute)
        relations = [self._relation(rng, more, family, address, cohort, 0)]
        if rng.random() < 0.85:
            relations.append(
                self._relation(
                    rng, more, family if rng.random() < 0.7 else names.last_name(rng), address, cohort, 1
                )
            )
        leaves_after = cohort + GRADES - 1
        left_on = None
        if rng.random() < 0.06:  # leaves the school early, some of them half-way a year
            leaves_after = cohort + rng.randrange(GRADES)
            if rng.random() < 0.5:
                left_on = date(leaves_after, 9, 1) + timedelta(days=rng.randrange(30, 280))
        changed = {}
        for year in range(cohort, cohort + GRADES):
            start = datetime.combine(date(year, 8, 20), time(7), tzinfo=UTC)
            changed[year] = start + timedelta(minutes=rng.randrange(300 * 24 * 60))
        codes, weights = zip(*RELIGIONS, strict=True)
        doctor = more.choice(DOCTORS) if more.random() < 0.8 else None
        first = names.first_name(rng, sex)
        return Student(
            institute=institute,
            cohort=cohort,
            index=index,
            persoon_id=keyed_guid(self.secret, "student", institute_index, cohort, index),
            p_persoon=p_number(f"{self.secret}:p:{institute_index}:{cohort}:{index}"),
            naam=family,
            voornaam=first,
            voornaam2=names.first_name(rng, sex) if rng.random() < 0.4 else None,
            sex=sex,
            born=born,
            rijksregisternr=person_national_number(rng, born, sex),
            stamnr=f"{cohort % 100:02d}{institute_index:01d}{index:03d}",
            address=address,
            relations=relations,
            leaves_after=leaves_after,
            left_on=left_on,
            changed=changed,
            doctor=doctor,
            doctor_phone=be_phone(more, False) if doctor else None,
            mobile=be_phone(more, True) if born.year < 2012 else None,  # a phone of its own from 14 or so
            email=email(first, family, "leerling." + domain(institute.name)),
            religion=more.choices(codes, weights)[0],
        )

    def _address(self, rng: random.Random, institute: Institute) -> Address:
        postal_code, city = (
            (institute.postal_code, institute.city) if rng.random() < 0.6 else rng.choice(CITIES)
        )
        box = str(rng.randrange(1, 20)) if rng.random() < 0.12 else None
        return Address(rng.choice(STREETS), str(rng.randrange(1, 180)), box, postal_code, city)

    def _relation(
        self, rng: random.Random, more: random.Random, family: str, address: Address, cohort: int, nth: int
    ) -> Relation:
        kind, sex = PARENT_TYPES[nth] if rng.random() < 0.9 else PARENT_TYPES[2 + nth]
        names = name_pool(LOCALE)
        first = names.first_name(rng, sex)
        name = family if kind in ("Vader", "Plusvader") or rng.random() < 0.3 else names.last_name(rng)
        born = day_in_year(rng, cohort - rng.randrange(36, 50))
        return Relation(
            type=kind,
            sex=sex,
            voornaam=first,
            naam=name,
            born=born,
            insz=person_national_number(rng, born, sex),
            beroep=rng.choice(PROFESSIONS),
            address=address,
            mobile=be_phone(rng, True),
            email=email(first, name, rng.choice(("telenet.be", "gmail.com", "proximus.be", "hotmail.com"))),
            civil_state=more.choice((*CIVIL_STATES, None)),
            phone=be_phone(more, False) if more.random() < 0.3 else None,
        )

    # -- bills

    def bills(self, group: AccessGroup, year: int) -> list[Bill]:
        return [self._bill(group.index, year, i) for i in range(group.bills_per_year)]

    def bill(self, bill_id: str) -> Bill | None:
        parts = parse_keyed_guid(self.secret, "bill", bill_id)
        if parts is None or parts[0] not in self.group_by_index:
            return None
        if parts[2] >= self.group_by_index[parts[0]].bills_per_year:
            return None
        return self._bill(*parts)

    def is_slow_bill(self, bill: Bill) -> bool:
        first_group = self.group_by_index.get(0)
        return bill.group is first_group and bill.index == 0

    def _build_bill(self, group_index: int, year: int, index: int) -> Bill:
        group = self.group_by_index[group_index]
        institute = self.institutes[group.institute]
        rng = self._rng(f"bill:{group_index}:{year}:{index}")
        pupils = self.students(institute, year)
        student = pupils[rng.randrange(len(pupils))]
        issued = date(year, 9, 15) + timedelta(days=int(270 * index / max(1, group.bills_per_year)))
        issued = monday_after_weekend(issued)
        lines = []
        for description, low, high in rng.sample(self.items, k=rng.randint(1, min(4, len(self.items)))):
            quantity = rng.randint(1, 10) if high <= 500 else 1
            lines.append(BillLine(description, quantity, rng.randrange(int(low), int(high) + 1, 5)))
        total = sum(line.cents for line in lines)
        payments = []
        draw = rng.random()
        if draw < 0.35 or (draw < 0.45 and total > 1000):
            paid = total if draw < 0.35 else total // 2
            on = issued + timedelta(days=rng.randrange(3, 25))
            payments.append(WorldPayment(paid, on, f"+++{rng.randrange(10**9, 10**10):010d}+++", "Bank"))
        return Bill(
            id=keyed_guid(self.secret, "bill", group_index, year, index),
            group=group,
            year=year,
            index=index,
            number=f"{year}{group_index:02d}{index + 1:05d}",
            student=student,
            issued=issued,
            due=issued + timedelta(days=30),
            lines=lines,
            payments=payments,
            changed=datetime.combine(issued, time(8), tzinfo=UTC) + timedelta(minutes=rng.randrange(600)),
        )
