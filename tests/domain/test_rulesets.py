"""Rule sets with validity periods (issue 11): each deadline and split uses the regional
agreement in force on the date it is computed from; every number names its source."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain import rulesets
from domain.rulesets import (
    ASSUMPTION,
    NUMBERS,
    OSTERGOTLAND,
    RULE_SET_HISTORY,
    VASTRA_GOTALAND,
    rule_set_for,
)

NEXT_VG = dataclasses.replace(
    VASTRA_GOTALAND, valid_from=date(2027, 1, 1), valid_until=None, sip_meeting_days=14
)


@pytest.fixture
def new_vg_agreement(monkeypatch):
    """A new Västra Götaland agreement from 2027-01-01 with a shorter SIP deadline."""
    monkeypatch.setitem(RULE_SET_HISTORY, "VG", (VASTRA_GOTALAND, NEXT_VG))
    return NEXT_VG


def test_the_agreement_in_force_on_the_day_is_chosen_one_day_either_side(new_vg_agreement):
    assert rule_set_for("VG", on=date(2026, 12, 31)) is VASTRA_GOTALAND
    assert rule_set_for("VG", on=date(2027, 1, 1)) is new_vg_agreement


def test_without_a_day_the_latest_agreement_is_chosen(new_vg_agreement):
    assert rule_set_for("VG") is new_vg_agreement


def test_before_the_first_known_agreement_the_first_applies():
    assert rule_set_for("OG", on=date(2019, 1, 1)) is OSTERGOTLAND


def test_after_its_stated_end_the_latest_agreement_stays_in_force_until_a_successor():
    assert VASTRA_GOTALAND.valid_until == date(2023, 12, 31)
    assert rule_set_for("VG", on=date(2026, 12, 2)) is VASTRA_GOTALAND


def test_an_unknown_or_missing_code_gets_vastra_gotaland():
    assert rule_set_for(None, on=date(2026, 1, 1)) is VASTRA_GOTALAND
    assert rule_set_for("XX", on=date(2026, 1, 1)) is VASTRA_GOTALAND


def test_the_periods_are_those_of_the_seeds():
    assert (VASTRA_GOTALAND.valid_from, VASTRA_GOTALAND.valid_until) == (
        date(2021, 1, 1),
        date(2023, 12, 31),
    )  # 002 §1.6
    assert (OSTERGOTLAND.valid_from, OSTERGOTLAND.valid_until) == (
        date(2020, 6, 1),
        date(2022, 12, 31),
    )  # 004


@pytest.mark.parametrize("rule_set", [rs for sets in RULE_SET_HISTORY.values() for rs in sets])
def test_every_number_says_where_it_comes_from(rule_set):
    assert set(rule_set.sources) == set(NUMBERS)
    assert all(rule_set.sources[name].strip() for name in NUMBERS)


def test_ostergotland_numbers_are_marked_as_assumptions_since_004_gives_none():
    assert all(OSTERGOTLAND.sources[name].startswith(ASSUMPTION) for name in NUMBERS)


def test_history_of_each_region_is_in_date_order():
    for history in rulesets.RULE_SET_HISTORY.values():
        starts = [rule_set.valid_from for rule_set in history]
        assert starts == sorted(starts)
