"""The FOD family's world: the parties (software companies, mandataries, data owners) and the
mandates between them, from the fixture; identities from the shared toolkit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sandbox.worlds.identities import enterprise_number

DOCUMENTS, VAT = "documents", "vat"


@dataclass(frozen=True)
class Party:
    number: str  # the enterprise number, 10 digits: the dossier id in MyMinfin
    name: str
    language: str


@dataclass(frozen=True)
class Mandate:
    mandatary: str
    owner: str
    kinds: tuple[str, ...]
    until: date | None = None

    def holds(self, kind: str, day: date) -> bool:
        return kind in self.kinds and (self.until is None or day <= self.until)

    def to_json(self) -> dict:
        until = self.until.isoformat() if self.until else None
        return {"mandatary": self.mandatary, "owner": self.owner, "kinds": list(self.kinds), "until": until}


@dataclass
class FodWorld:
    seed: str
    tenant: str
    parties: dict[str, Party]
    mandates: dict[tuple[str, str], Mandate]
    first_document: date
    every_days: int
    keys: dict[str, str] = field(default_factory=dict)  # fixture key -> enterprise number


def create_world(seed: str, tenant: str, fixture: dict) -> FodWorld:
    parties, keys = {}, {}
    for entry in fixture.get("parties", []):
        number = enterprise_number(int(entry["n"]))
        parties[number] = Party(number, entry["name"], entry["language"])
        keys[entry["key"]] = number
    mandates = {}
    for entry in fixture.get("mandates", []):
        y, z = keys[entry["mandatary"]], keys[entry["owner"]]
        until = date.fromisoformat(str(entry["until"])) if entry.get("until") else None
        mandates[(y, z)] = Mandate(y, z, tuple(entry["kinds"]), until)
    return FodWorld(
        seed=seed,
        tenant=tenant,
        parties=parties,
        mandates=mandates,
        first_document=date.fromisoformat(str(fixture.get("first_document", "2025-01-06"))),
        every_days=int(fixture.get("every_days", 9)),
        keys=keys,
    )
