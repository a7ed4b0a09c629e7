"""Faker's word lists, kept beside sandbox/worlds/names.py, are Faker's own, and are read anew
when the Faker file they come from changes."""

import importlib

from sandbox.kept import kept_beside
from sandbox.worlds import names


def test_the_kept_name_lists_are_fakers_own():
    provider = importlib.import_module("faker.providers.person.nl_BE").Provider
    names.name_pool.cache_clear()
    pool = names.name_pool("nl_BE")
    assert pool.last_names == tuple(provider.last_names)
    assert pool.male == tuple(provider.first_names_male) and pool.female == tuple(provider.first_names_female)
    cities, _ = names._places("nl_BE")
    assert cities == tuple(importlib.import_module("faker.providers.address.nl_BE").Provider.cities)


def test_a_kept_value_is_made_anew_when_its_source_changes(tmp_path):
    made = []

    def make(value):
        def again():
            made.append(value)
            return (value,)

        return again

    assert kept_beside(tmp_path, "lists", b"version 1", make("a")) == ("a",)
    assert kept_beside(tmp_path, "lists", b"version 1", make("b")) == ("a",)  # kept
    assert kept_beside(tmp_path, "lists", b"version 2", make("c")) == ("c",)  # its source changed
    assert made == ["a", "c"] and len(list((tmp_path / "__pycache__").iterdir())) == 1
