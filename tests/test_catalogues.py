"""Error catalogues: a code means one thing in its family, handlers refuse by name, and the
README's table is the catalogues' own."""

import re

import pytest

from sandbox.catalogues import catalogues, readme_section, with_section
from sandbox.errors import ErrorCatalogue
from tests.conftest import ROOT

FAMILIES = {catalogue.family: catalogue for catalogue in catalogues()}
PACKAGES = {
    "informat": "apis/informat",
    "nbb-cbso": "apis/nbb_cbso",
    "identity": "identity",
    "accounting": "apis/accounting",
    "codabox-v2": "apis/codabox",
    "fod": "apis/fod",
    "ibanity": "apis/codabox/ibanity",
    "codabox-connect": "apis/codabox/connect",
    "codabox-bankconnect": "apis/codabox/bankconnect",
}


def test_every_api_package_with_codes_has_a_catalogue():
    assert set(FAMILIES) == {
        "informat",
        "nbb-cbso",
        "identity",
        "accounting",
        "codabox-v2",
        "fod",
        "ibanity",
        "codabox-connect",
        "codabox-bankconnect",
    }


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_codes_are_unique_in_their_family(family):
    codes = [entry.code for entry in FAMILIES[family]]
    assert codes and len(codes) == len(set(codes))
    assert all(
        entry.meaning and (entry.status == 302 or 400 <= entry.status < 600) for entry in FAMILIES[family]
    )


def test_a_catalogue_refuses_a_code_twice():
    catalogue = ErrorCatalogue("test", "Test")
    catalogue.add("X001", 404, "no such thing")
    with pytest.raises(ValueError, match="X001 is already 'no such thing'"):
        catalogue.add("X001", 404, "no such other thing")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_handlers_refuse_by_name_not_by_a_bare_code(family):
    package = ROOT / "sandbox" / PACKAGES[family]
    literals = {f'"{entry.code}"' for entry in FAMILIES[family]}
    for source in package.glob("*.py"):
        if source.name == "errors.py":
            continue
        text = source.read_text(encoding="utf-8")
        assert not [literal for literal in literals if literal in text], source


def test_informat_codes_follow_its_families():
    pattern = re.compile(r"(BR|DNF|MNA|AUT)[0-9]{3}[A-Z]?|RL001|ERR500")
    family_status = {"DNF": {404, 410}, "MNA": {405}, "AUT": {401, 403}}
    for entry in FAMILIES["informat"]:
        assert pattern.fullmatch(entry.code), entry
        prefix = re.match(r"[A-Z]+", entry.code)[0]
        assert entry.status in family_status.get(prefix, {entry.status}), entry


def test_the_readme_lists_the_catalogues_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_section(readme) == readme, (
        "the README's error codes differ from the catalogues: run `python -m sandbox.catalogues README.md`"
    )
    section = readme_section()
    assert "| `DNF091` | 404 | bills | No bill with this id (or not issued yet) |" in section
    assert "| `date.not.in.past` | 400 |" in section
