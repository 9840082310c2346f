"""Field rules for organizations, people, API clients and the partnership's settings.

Each function records every problem it finds on the caller's ``Checker`` (paths are
API input paths) and returns the cleaned values; the caller adds the checks that need
the database and then calls ``check.done()``, so all problems are reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from coalition.auth.scopes import SCOPES, unknown_scopes
from coalition.disclosure.people import PeopleRule
from coalition.disclosure.rule import DisclosureRule, InvalidDisclosureSettings
from coalition.disclosure.schedule import InvalidReleaseSettings, ReleaseSchedule
from coalition.errors import InvalidInput, UserError
from coalition.tenancy.models import OrganizationKind, Role
from coalition.validation import MAX_NAME, Checker

MAX_PLACE = 120
MAX_EMPLOYEES = 10_000_000
NAICS = re.compile(r"^\d{2,6}$")


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone known to this installation. Checked against
    the list, never by opening a file named after caller input."""
    return name in _time_zones()


def not_found(field: str, what: str) -> InvalidInput:
    """An ID of another tenant fails exactly like one that does not exist."""
    return InvalidInput([UserError((field,), f"No {what} with this ID.", "NOT_FOUND")])


def organization_fields(
    check: Checker, values: Mapping[str, Any], *, creating: bool
) -> dict[str, Any]:
    """The given fields, cleaned (all of them on create, the present ones on update).
    Names are trimmed and their inner whitespace collapsed to one space."""
    cleaned: dict[str, Any] = {}
    if creating or "name" in values:
        name = values.get("name")
        if name is None:
            check.add(("name",), "A name is required.", "REQUIRED")
        cleaned["name"] = None if name is None else check.name(("name",), name, required=True)
    if creating or "kind" in values:
        kind = values.get("kind")
        if not isinstance(kind, OrganizationKind):
            check.add(("kind",), "A kind is required.", "REQUIRED")
        cleaned["kind"] = kind
    if "employee_count" in values:
        cleaned["employee_count"] = check.bounded(
            ("employeeCount",), values["employee_count"], low=0, high=MAX_EMPLOYEES
        )
    if "naics_code" in values:
        code = values["naics_code"]
        code = code.strip() if isinstance(code, str) else code
        if code and not NAICS.match(code):
            check.add(("naicsCode",), "Give a NAICS code of 2 to 6 digits.", "INVALID")
        cleaned["naics_code"] = code or None
    for field, column in (("city", "city"), ("region", "region")):
        if column in values:
            cleaned[column] = check.text((field,), values[column], required=False, limit=MAX_PLACE)
    if "website" in values:
        cleaned["website"] = check.url(("website",), values["website"], required=False)
    if values.get("recognition_opt_out") is not None:
        # Whether the organization appears in the public investment-recognition ranking.
        cleaned["recognition_opt_out"] = bool(values["recognition_opt_out"])
    return cleaned


def membership_fields(
    check: Checker, *, email: Any, display_name: Any, role: Any
) -> tuple[str | None, str | None, Role | None]:
    """The person's email (lowercased), display name and role."""
    clean_email = check.email(("email",), email, required=True)
    clean_name = check.name(("displayName",), display_name, required=False)
    clean_role = role if isinstance(role, Role) else None
    if clean_role is None:
        check.add(("role",), "A role is required.", "REQUIRED")
    return clean_email, clean_name, clean_role


def api_client_fields(
    check: Checker, *, name: Any, scopes: Sequence[str]
) -> tuple[str | None, list[str]]:
    """The client's name and its scopes, sorted, each known."""
    clean_name = check.text(("name",), name, required=True, limit=MAX_NAME)
    requested = sorted({scope.strip() for scope in scopes})
    if not requested:
        check.add(("scopes",), "Give the client at least one scope.", "REQUIRED")
    unknown = unknown_scopes(requested)
    if unknown:
        check.add(
            ("scopes",),
            f"Unknown scopes: {', '.join(unknown)}. Use any of {', '.join(sorted(SCOPES))}.",
            "INVALID",
        )
    return clean_name, requested


def tenant_settings(
    check: Checker,
    current: Mapping[str, Any],
    *,
    disclosure: Mapping[str, int | None],
    releases: Mapping[str, int | None],
    time_zone: str | None,
    public_programs: bool | None = None,
    outcomes: Mapping[str, int | None] | None = None,
) -> dict[str, Any]:
    """The partnership's settings with the given changes (None: the setting stays).

    ``disclosure`` and ``releases`` map the names of ``settings["disclosure"]`` and
    ``settings["releases"]`` to their new values. Each value is judged on its own by
    the rule that owns its bounds, then the pairs are judged together (the noise
    bounds, the release interval against the schedule), so every problem is reported
    at once, on the field the caller gave. A group is stored as the values chosen so
    far plus the changes; settings never chosen keep following the defaults."""
    settings = dict(current)
    groups = (("disclosure", disclosure), ("releases", releases), ("outcomes", outcomes or {}))
    for group, changes in groups:
        chosen = _changed_group(check, group, current.get(group), changes)
        if chosen is not None:
            settings[group] = chosen
    if time_zone is not None:
        if is_time_zone(time_zone):
            settings["time_zone"] = time_zone
        else:
            check.add(
                ("timeZone",),
                f"timeZone {time_zone[:80]!r} is not an IANA time zone, such as America/Chicago.",
                "INVALID",
            )
    if public_programs is not None:
        settings["public_programs"] = bool(public_programs)
    return settings


# The API input field of each setting, by group.
SETTING_FIELDS = {
    "disclosure": {
        "min_employers": "minEmployers",
        "p_percent": "pPercent",
        "noise_min_percent": "noiseMinPercent",
        "noise_max_percent": "noiseMaxPercent",
    },
    "releases": {
        "every_hours": "releaseEveryHours",
        "min_interval_hours": "releaseMinIntervalHours",
    },
    "outcomes": {"min_people": "outcomesMinPeople"},
}
# The pair each group's rule judges together: (the setting its message is about, the
# other). A value is judged alone with its partner at the end of the partner's range
# that suits every allowed value, so only the value's own bounds can fail; the rules
# own the bounds, and the pair is then judged as it will be stored.
_PAIRS = {
    "disclosure": ("noise_max_percent", "noise_min_percent"),
    "releases": ("min_interval_hours", "every_hours"),
}
_PARTNER_ALONE = {
    "noise_min_percent": {"noise_max_percent": 50},
    "noise_max_percent": {"noise_min_percent": 5},
    "min_interval_hours": {"every_hours": 744},
    "every_hours": {"min_interval_hours": 1},
}


def _changed_group(
    check: Checker, group: str, stored: Any, changes: Mapping[str, int | None]
) -> dict[str, Any] | None:
    """The group's new stored values, or None when none of them is changed."""
    fields = SETTING_FIELDS[group]
    requested = {name: value for name, value in changes.items() if value is not None}
    if not requested:
        return None
    kept = {
        name: value
        for name, value in (stored.items() if isinstance(stored, Mapping) else ())
        if name in fields
    }
    chosen = {**kept, **requested}
    failed = False
    for name, value in chosen.items():
        problem = _rule_problem(group, {name: value, **_PARTNER_ALONE.get(name, {})})
        if problem is None:
            continue
        failed = True
        if name not in requested:
            # Only a hand-edited row gets here: say so rather than fail the change blindly.
            problem = f"The partnership's stored {name} ({value!r}) is not allowed: {problem}"
        check.add((fields[name],), _in_fields(group, problem), "OUT_OF_RANGE")
    if failed:
        return chosen
    effective = {**_defaults(group), **chosen}
    problem = _rule_problem(group, effective)
    if problem is not None and group in _PAIRS:
        named, other = _PAIRS[group]
        # On the field the caller changed: the one the rule names, unless only the other.
        if other in requested and named not in requested:
            message = f"{other} {effective[other]} does not fit {named} {effective[named]}: "
            check.add((fields[other],), _in_fields(group, message + problem), "OUT_OF_RANGE")
        else:
            message = f"{problem.rstrip('.')}; {other} is {effective[other]}."
            check.add((fields[named],), _in_fields(group, message), "OUT_OF_RANGE")
    return chosen


def _in_fields(group: str, message: str) -> str:
    """The message with each setting's name spelled as the caller's input field."""
    for name, field in sorted(SETTING_FIELDS[group].items(), key=lambda item: -len(item[0])):
        message = re.sub(rf"\b{name}\b", field, message)
    return message


_RULES: dict[str, Any] = {
    "disclosure": DisclosureRule,
    "releases": ReleaseSchedule,
    "outcomes": PeopleRule,
}


def _defaults(group: str) -> dict[str, int]:
    defaults: dict[str, int] = _RULES[group]().as_settings()
    return defaults


def _rule_problem(group: str, values: Mapping[str, Any]) -> str | None:
    """What the group's rule says is wrong with these values (defaults for the rest)."""
    try:
        _RULES[group](**values)
    except (InvalidDisclosureSettings, InvalidReleaseSettings) as error:
        return str(error)
    return None
