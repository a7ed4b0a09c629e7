"""Names, addresses and e-mail addresses from Faker's Belgian and Dutch lists, drawn by our streams."""

import random
import re
import subprocess
import sys

import pytest
from stdnum.nl import postcode

from sandbox.worlds.names import FEMALE, MALE, address, domain, email, email_local_part, name_pool, plain
from tests.conftest import ROOT


@pytest.mark.parametrize("locale", ["nl_BE", "fr_BE", "nl_NL"])
def test_each_locale_has_names_of_both_sexes(locale):
    pool = name_pool(locale)
    assert pool.male and pool.female and pool.last_names
    rng = random.Random(1)
    assert pool.first_name(rng, MALE) in pool.male and pool.first_name(rng, FEMALE) in pool.female
    assert pool.last_name(rng) in pool.last_names


def test_the_same_stream_gives_the_same_names():
    pool = name_pool("nl_BE")
    first = [pool.first_name(random.Random(9), MALE), pool.last_name(random.Random(9))]
    assert first == [pool.first_name(random.Random(9), MALE), pool.last_name(random.Random(9))]


def test_importing_the_toolkit_does_not_import_faker():
    code = "import sys, sandbox.worlds.names, sandbox.worlds.identities; print('faker' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"


def test_belgian_and_dutch_addresses_have_their_country_forms():
    rng = random.Random(4)
    belgian = [address(rng, "nl_BE") for _ in range(50)]
    dutch = [address(rng, "nl_NL") for _ in range(50)]
    assert all(re.fullmatch(r"[1-9]\d{3}", a.postal_code) and a.country_code == "BE" for a in belgian)
    assert all(re.fullmatch(r"[1-9]\d{3} [A-Z]{2}", a.postal_code) and a.country_code == "NL" for a in dutch)
    assert all(postcode.is_valid(a.postal_code) for a in dutch)  # no SA, SD or SS
    assert all(a.box is None for a in dutch) and any(a.box for a in belgian)
    assert all(a.street and a.city and int(a.number) >= 1 for a in belgian + dutch)


def test_email_addresses_have_no_accents_or_signs():
    assert email("José", "D'hondt", "telenet.be") == "jose.dhondt@telenet.be"
    assert email("Zoë", "Van den Broeck", "school.be") == "zoe.vandenbroeck@school.be"
    assert plain("Stéphane Müller") == "Stephane Muller"
    assert email_local_part("Anne-Sophie", "Dupont (VZW)") == "annesophie.dupontvzw"


def test_domains_are_made_of_the_words_of_a_name():
    assert domain("Koninklijk Atheneum Oudenaarde") == "koninklijk-atheneum-oudenaarde.be"
    assert domain("Basisschool 't Kofschip", "nl") == "basisschool-t-kofschip.nl"
