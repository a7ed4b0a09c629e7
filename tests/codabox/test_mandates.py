from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.apis.codabox import mandates as rules
from sandbox.apis.codabox.mandates import MandateError
from sandbox.apis.codabox.world import BANKS, CODA_STATES, SODA_STATES, Mandate
from sandbox.worlds.calendar import BRUSSELS, add_business_days
from sandbox.worlds.identities import be_iban_at

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BRUSSELS)  # a Monday


def later(**delta) -> datetime:
    return NOW + timedelta(**delta)


def clients(world, office_index=0):
    return world.clients(world.offices[office_index].id)


def company_without_mandates_at(world, bank_bic: str):
    """A company of the first office and a fresh valid IBAN at that bank."""
    client = next(c for c in clients(world) if not c.natural_person and not c.never_signs and not c.accented)
    iban = be_iban_at(world.banks[bank_bic].codes[0], world.rng("fresh", bank_bic).randrange(10**7))
    return client, iban


def error_code(result) -> str:
    assert isinstance(result, MandateError), result
    assert result.detail
    return result.code


def order(world, overlay, client, bank, ibans, now=NOW, office=None):
    return rules.order_coda(world, overlay, office or client.office_id, client.id, bank, ibans, now)


def test_ordering_coda_gives_a_registered_mandate_with_a_signing_url_for_twikey_banks(world):
    client, iban = company_without_mandates_at(world, "GEBABEBB")
    mandate = order(world, {}, client, "GEBABEBB", [iban])
    assert isinstance(mandate, Mandate)
    assert (mandate.kind, mandate.bank_id, mandate.ibans, mandate.reason_code) == (
        "coda",
        "GEBABEBB",
        (iban,),
        "R-0",
    )
    assert mandate.state_at(NOW) == "registered"
    assert mandate.state_at(later(minutes=10)) == "awaiting_signature"
    assert mandate.twikey_url == world.signing_url(mandate.id)


def test_a_bank_without_online_signing_gives_no_signing_url(world):
    assert world.banks["TRIOBEBB"].online_signing is False
    client, iban = company_without_mandates_at(world, "TRIOBEBB")
    assert order(world, {}, client, "TRIOBEBB", [iban]).twikey_url is None


def test_no_coda_for_natural_persons(world):
    person = next(c for o in world.offices for c in world.clients(o.id) if c.natural_person)
    iban = person.accounts[0].iban
    result = order(world, {}, person, person.accounts[0].bank.bic, [iban])
    assert error_code(result) == "natural_person"
    assert error_code(rules.order_soda(world, {}, person.office_id, person.id, NOW)) == "natural_person"


def test_a_client_of_another_office_is_unknown(world):
    client, iban = company_without_mandates_at(world, "GEBABEBB")
    other = world.offices[1].id
    assert error_code(order(world, {}, client, "GEBABEBB", [iban], office=other)) == "unknown_client"


def test_bad_ibans_and_banks_are_refused(world):
    client, iban = company_without_mandates_at(world, "GEBABEBB")
    assert error_code(order(world, {}, client, "NOPEBEBB", [iban])) == "unknown_bank"
    assert error_code(order(world, {}, client, "GEBABEBB", [])) == "no_ibans"
    assert error_code(order(world, {}, client, "GEBABEBB", [iban[:-1] + "0"])) == "invalid_iban"
    assert error_code(order(world, {}, client, "KREDBEBB", [iban])) == "iban_not_at_bank"


def test_an_iban_is_unique_across_the_system_with_three_distinct_errors(world):
    own = next(
        c
        for c in clients(world)
        for m in world.mandates(c.id)
        if m.kind == "coda" and m.state_at(NOW) == "active"
    )
    active = next(m for m in world.mandates(own.id) if m.kind == "coda" and m.state_at(NOW) == "active")
    result = order(world, {}, own, active.bank_id, [active.ibans[0]])
    assert error_code(result) == "iban_linked_to_your_office"

    magic = world.iban_linked_to_another_office
    holder, account = world.account(magic)
    assert holder.office_id == world.offices[1].id
    client, _ = company_without_mandates_at(world, account.bank.bic)
    overlay = {}
    if not any(
        magic in m.ibans and m.state_at(NOW) not in (None, "archived") for m in world.mandates(holder.id)
    ):
        overlay = rules.with_mandate({}, order(world, {}, holder, account.bank.bic, [magic]))
    assert (
        error_code(order(world, overlay, client, account.bank.bic, [magic]))
        == "iban_linked_to_another_office"
    )

    platform = world.iban_under_another_platform
    bank = next(b.bic for b in world.banks.values() if platform[4:7] in b.codes)
    assert error_code(order(world, {}, client, bank, [platform])) == "iban_under_another_platform"


def test_a_requested_iban_cannot_be_ordered_again_but_an_archived_one_can(world):
    client, iban = company_without_mandates_at(world, "GEBABEBB")
    first = order(world, {}, client, "GEBABEBB", [iban])
    overlay = rules.with_mandate({}, first)
    assert (
        error_code(order(world, overlay, client, "GEBABEBB", [iban], now=later(days=1)))
        == "iban_already_requested"
    )
    archived = rules.archive(world, overlay, first.id, "stopped by the client", later(days=1))
    assert archived.state_at(later(days=1)) == "archived" and archived.reason == "stopped by the client"
    overlay = rules.with_mandate(overlay, archived)
    again = order(world, overlay, client, "GEBABEBB", [iban], now=later(days=2))
    assert isinstance(again, Mandate) and again.id != first.id


def test_signing_leads_to_active_after_the_banks_days_on_the_clock(world):
    client, iban = company_without_mandates_at(world, "BBRUBEBB")
    mandate = order(world, {}, client, "BBRUBEBB", [iban])
    signed = rules.sign(world, rules.with_mandate({}, mandate), mandate.id, later(hours=1))
    assert signed.state_at(later(hours=1)) == "signed"
    assert signed.state_at(later(hours=3)) == "bank_procedure"
    assert signed.state_modified_at(later(hours=3)) == later(hours=2)
    active_day = add_business_days(NOW.date(), world.banks["BBRUBEBB"].activation_days, BANKS)
    assert signed.validity_start == active_day
    assert signed.state_at(datetime.combine(active_day, NOW.time(), tzinfo=BRUSSELS)) == "active"
    assert signed.reason_code == "R-0"
    assert error_code(rules.sign(world, rules.with_mandate({}, signed), mandate.id, later(days=30))) == (
        "invalid_transition"
    )


def test_the_refusing_bank_puts_a_signed_mandate_in_problem_with_its_reason(world):
    client, iban = company_without_mandates_at(world, "CTBKBEBX")
    mandate = order(world, {}, client, "CTBKBEBX", [iban])
    signed = rules.sign(world, rules.with_mandate({}, mandate), mandate.id, later(hours=1))
    assert signed.state_at(later(days=30)) == "problem"
    assert signed.reason_code == "R-3" and "signerNotMandatary" in signed.reason
    assert signed.validity_start is None


def test_the_bank_can_activate_or_refuse_at_once(world):
    client, iban = company_without_mandates_at(world, "ARSPBE22")
    mandate = order(world, {}, client, "ARSPBE22", [iban])
    overlay = rules.with_mandate(
        {}, rules.sign(world, rules.with_mandate({}, mandate), mandate.id, later(hours=1))
    )
    active = rules.activate(world, overlay, mandate.id, later(hours=2))
    assert active.state_at(later(hours=2)) == "active" and active.state_at(later(days=60)) == "active"
    refused = rules.refuse(world, overlay, mandate.id, "R-1", "account closed", later(hours=2))
    assert (refused.state_at(later(days=60)), refused.reason_code) == ("problem", "R-1")
    assert (
        error_code(rules.refuse(world, overlay, mandate.id, "R-0", "", later(hours=2)))
        == "invalid_transition"
    )
    assert error_code(rules.activate(world, {}, mandate.id, NOW)) == "unknown_mandate"


def test_the_client_that_never_signs_cannot_sign(world):
    client = next(c for c in clients(world) if c.never_signs)
    world_mandate = world.mandates(client.id)[0]
    assert world_mandate.state_at(NOW) == "awaiting_signature"
    assert error_code(rules.sign(world, {}, world_mandate.id, NOW)) == "client_never_signs"


def archived_all(world, client) -> dict:
    """An overlay in which every live mandate of the client was archived the day before NOW."""
    overlay: dict = {}
    for m in world.mandates(client.id):
        if m.state_at(NOW) not in (None, "archived"):
            overlay = rules.with_mandate(
                overlay, rules.archive(world, overlay, m.id, "test", NOW - timedelta(1))
            )
    return overlay


def test_no_soda_without_coda(world):
    client, _ = company_without_mandates_at(world, "GEBABEBB")
    overlay = archived_all(world, client)
    assert (
        error_code(rules.order_soda(world, overlay, client.office_id, client.id, NOW))
        == "no_soda_without_coda"
    )


def test_soda_follows_its_lifecycle_once_a_coda_mandate_is_signed(world):
    client, iban = company_without_mandates_at(world, "GEBABEBB")
    overlay = {}
    for m in world.mandates(client.id):
        if m.state_at(NOW) not in (None, "archived"):
            overlay = rules.with_mandate(
                overlay, rules.archive(world, overlay, m.id, "test", NOW - timedelta(1))
            )
    coda = order(world, overlay, client, "GEBABEBB", [iban])
    overlay = rules.with_mandate(overlay, coda)
    soda = rules.order_soda(world, overlay, client.office_id, client.id, later(minutes=20))
    assert soda.kind == "soda" and soda.state_at(later(minutes=20)) == "not_signed"
    overlay = rules.with_mandate(overlay, soda)
    assert error_code(rules.sign(world, overlay, soda.id, later(minutes=30))) == "coda_not_signed"
    overlay = rules.with_mandate(overlay, rules.sign(world, overlay, coda.id, later(hours=1)))
    signed = rules.sign(world, overlay, soda.id, later(hours=2))
    states = [state for _, state in signed.history]
    assert states == ["not_signed", "signed", "requested", "confirmed", "active"]
    assert signed.state_at(later(days=3)) == "requested"
    assert signed.state_at(later(days=60)) == "active" and signed.validity_start.day == 1
    overlay = rules.with_mandate(overlay, signed)
    assert error_code(rules.order_soda(world, overlay, client.office_id, client.id, later(days=2))) == (
        "soda_already_ordered"
    )


def test_an_office_that_takes_no_social_mandates_refuses_soda(world):
    office = next(o for o in world.offices if not o.allows_social_mandates)
    client = next(c for c in world.clients(office.id) if not c.natural_person)
    assert error_code(rules.order_soda(world, {}, office.id, client.id, NOW)) == "social_mandates_not_allowed"


def test_the_overlay_round_trips_and_overrides_the_world(world):
    client = next(c for c in clients(world) if any(m.state_at(NOW) == "active" for m in world.mandates(c.id)))
    mandate = next(m for m in world.mandates(client.id) if m.state_at(NOW) == "active")
    assert rules.from_dict(rules.to_dict(mandate)) == mandate
    archived = rules.archive(world, {}, mandate.id, "stopped by the bank", NOW)
    overlay = rules.with_mandate({}, archived)
    assert rules.find(world, overlay, mandate.id).state_at(NOW) == "archived"
    assert [m.id for m in rules.client_mandates(world, overlay, client.id)] == [
        m.id for m in world.mandates(client.id)
    ]
    assert archived.active_days()[1] == NOW.date() - timedelta(1)


def test_the_world_uses_only_codabox_states(world):
    seen = set()
    for office in world.offices:
        for client in world.clients(office.id):
            for m in world.mandates(client.id):
                states = CODA_STATES if m.kind == "coda" else SODA_STATES
                assert {state for _, state in m.history} <= set(states)
                seen |= {(m.kind, state) for _, state in m.history}
    assert {
        ("coda", "active"),
        ("coda", "awaiting_signature"),
        ("coda", "problem"),
        ("soda", "active"),
    } <= seen
