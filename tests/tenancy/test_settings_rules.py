"""The settings checks lean on the rules' own bounds: the partner each value is judged
with alone must sit at the end of its range that suits every allowed value."""

from __future__ import annotations

import pytest

from coalition.disclosure.people import PeopleRule
from coalition.disclosure.rule import DisclosureRule, InvalidDisclosureSettings
from coalition.disclosure.schedule import InvalidReleaseSettings, ReleaseSchedule
from coalition.tenancy.validation import _PARTNER_ALONE, SETTING_FIELDS, tenant_settings
from coalition.validation import Checker


def test_every_setting_of_the_rules_has_an_input_field() -> None:
    assert set(SETTING_FIELDS["disclosure"]) == set(DisclosureRule().as_settings())
    assert set(SETTING_FIELDS["releases"]) == set(ReleaseSchedule().as_settings())
    assert set(SETTING_FIELDS["outcomes"]) == set(PeopleRule().as_settings())


@pytest.mark.parametrize(
    ("rule", "error", "partner", "beyond", "other"),
    [
        # partner: (setting, the value a value is judged alone with); beyond: one step out
        # of the partner's range; other: the pair's other half, giving the partner its range.
        (
            DisclosureRule,
            InvalidDisclosureSettings,
            ("noise_max_percent", 50),
            51,
            {"noise_min_percent": 5},
        ),
        (
            DisclosureRule,
            InvalidDisclosureSettings,
            ("noise_min_percent", 5),
            4,
            {"noise_max_percent": 50},
        ),
        (ReleaseSchedule, InvalidReleaseSettings, ("every_hours", 744), 745, {}),
        (ReleaseSchedule, InvalidReleaseSettings, ("min_interval_hours", 1), 0, {}),
    ],
)
def test_each_partner_is_the_end_of_its_range(
    rule: type, error: type[Exception], partner: tuple[str, int], beyond: int, other: dict[str, int]
) -> None:
    name, value = partner
    assert partner in [next(iter(p.items())) for p in _PARTNER_ALONE.values()]

    rule(**{name: value, **other})
    with pytest.raises(error):
        rule(**{name: beyond, **other})


def test_nothing_changes_when_nothing_is_given() -> None:
    current = {"time_zone": "UTC", "disclosure": {"p_percent": 20}}
    check = Checker()

    settings = tenant_settings(
        check,
        current,
        disclosure=dict.fromkeys(SETTING_FIELDS["disclosure"]),
        releases=dict.fromkeys(SETTING_FIELDS["releases"]),
        time_zone=None,
    )

    assert (settings, check.errors) == (current, [])
