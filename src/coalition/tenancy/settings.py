"""Changing the partnership's own settings: the pooled-demand disclosure rule, its
release schedule, its time zone and whether its programs are listed publicly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.permissions import require_partnership_admin
from coalition.auth.principal import Principal
from coalition.demand.reads import fixed_noise
from coalition.disclosure.people import PeopleRule
from coalition.disclosure.rule import DisclosureRule
from coalition.disclosure.schedule import ReleaseSchedule
from coalition.tenancy import validation
from coalition.tenancy.models import Tenant
from coalition.tenancy.reads import public_programs_on
from coalition.validation import Checker

# What each setting means, written for conveners; the API's descriptions and the
# CLI's help both use these, so the two never disagree.
MEANING = {
    "public_programs": (
        "Training programs: whether the partnership's ACTIVE programs are listed publicly, "
        "with no login, as linked data (CTDL JSON-LD at /public/<slug>/programs.jsonld; "
        "default on). Off, the address answers 404 as for an unknown partnership."
    ),
    "min_employers": (
        "Pooled demand: the fewest employers a published figure must combine (k, 2 to 50; "
        "default 3). A figure with fewer is hidden, so no member reads a number that is "
        "one or two competitors' openings. Raising it hides more small figures."
    ),
    "p_percent": (
        "Pooled demand: the p% rule (1 to 50; default 10). A figure is hidden when the "
        "employers other than its two largest add up to less than this percentage of the "
        "largest: the second-largest knows its own openings and could otherwise estimate "
        "the largest's to within that percentage. Raising it hides more figures that one "
        "employer dominates."
    ),
    "noise_min_percent": (
        "Pooled demand: the least each employer's pooled openings and wages are distorted "
        "(5 to 40; default 10). Every pooled signal is multiplied by a secret factor, the "
        "same in every query and release, at least this many percent above or below 1, "
        "so whatever a member isolates is never an employer's true number: it stays at "
        "least this far off. Raising it protects employers more and makes figures less "
        "exact. Fixed by the first release (a change is refused after it): figures "
        "published under two different noise settings could be compared to undo the "
        "noise."
    ),
    "noise_max_percent": (
        "Pooled demand: the most each employer's pooled openings and wages are distorted "
        "(at least 5 above the least, at most 50; default 25). The secret factors lie "
        "between the two, so a member who isolates one employer's number cannot tell how "
        "far off it is. Lowering it makes figures more exact, and lets whoever isolates "
        "a number bound the true one more narrowly. Fixed by the first release, as the "
        "least."
    ),
    "min_people": (
        "Outcomes: the fewest people a figure shown outside the reporting member may stand "
        "for (3 to 100; default 10, the most common state rule). A smaller cell of an "
        "equity breakdown shows no numbers, and other cells are hidden with it so it cannot "
        "be worked out from totals. Raising it hides more small groups."
    ),
    "every_hours": (
        "Pooled demand: how often a new release of the pooled figures is made on "
        "schedule, in hours (1 to 744, i.e. up to 31 days; default 24). Members read "
        "pooled figures only from the latest release, so posted changes show at the next "
        "one."
    ),
    "min_interval_hours": (
        "Pooled demand: the least time between two releases, in hours, including those a "
        "partnership admin publishes on demand (1 to 744, at most the schedule's; default "
        "6). A member who changes its own openings to see what moves learns nothing "
        "between releases; lowering it makes figures fresher and gives such a member more "
        "releases to compare."
    ),
}


async def update_tenant_settings(
    session: AsyncSession,
    principal: Principal,
    *,
    min_employers: int | None = None,
    p_percent: int | None = None,
    noise_min_percent: int | None = None,
    noise_max_percent: int | None = None,
    release_every_hours: int | None = None,
    release_min_interval_hours: int | None = None,
    time_zone: str | None = None,
    public_programs: bool | None = None,
    outcomes_min_people: int | None = None,
) -> Tenant:
    """Change the partnership's settings (partnership admins); omitted ones stay.

    Raises ``InvalidInput`` with every problem before writing anything; an actual
    change writes one ``tenant.update_settings`` audit event in the caller's
    transaction, naming each setting whose value in effect changed (``from`` is the
    default when it was never chosen); a change to the values in effect writes nothing."""
    require_partnership_admin(principal)
    # The partnership's own directory row (keyed by its id), locked for the change.
    tenant = await session.get(Tenant, principal.tenant_id, with_for_update=True)
    assert tenant is not None, "a verified principal's tenant exists"
    check = Checker()
    settings = validation.tenant_settings(
        check,
        tenant.settings,
        disclosure={
            "min_employers": min_employers,
            "p_percent": p_percent,
            "noise_min_percent": noise_min_percent,
            "noise_max_percent": noise_max_percent,
        },
        releases={
            "every_hours": release_every_hours,
            "min_interval_hours": release_min_interval_hours,
        },
        time_zone=time_zone,
        public_programs=public_programs,
        outcomes={"min_people": outcomes_min_people},
    )
    await _keep_fixed_noise(
        session,
        principal,
        check,
        {"noiseMinPercent": noise_min_percent, "noiseMaxPercent": noise_max_percent},
        settings,
    )
    check.done()
    before = _flat(tenant.settings)
    # A setting the new row no longer holds (one the rules do not know) shows as removed.
    changes = diff(before, {**dict.fromkeys(before), **_flat(settings)})
    if changes:
        tenant.settings = settings
        await session.flush()
        await record_event(
            session,
            principal,
            action="tenant.update_settings",
            object_type="Tenant",
            object_id=tenant.id,
            changes=changes,
        )
    return tenant


def settings_in_effect(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as the partnership works under them: its time zone, and every
    disclosure and release setting (its default when never chosen). Raises the rules'
    errors on settings they refuse."""
    return {
        "time_zone": settings.get("time_zone", "UTC"),
        "disclosure": DisclosureRule.from_settings(settings).as_settings(),
        "releases": ReleaseSchedule.from_settings(settings).as_settings(),
        "public_programs": public_programs_on(settings),
        "outcomes": PeopleRule.from_settings(settings).as_settings(),
    }


async def _keep_fixed_noise(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    given: Mapping[str, int | None],
    settings: Mapping[str, Any],
) -> None:
    """Once the first release of pooled demand is published its noise bounds never change:
    the same signals blurred by two sets of bounds could be solved together for the truth.
    A change to either is a userError naming when they were fixed."""
    fixed = await fixed_noise(session, principal)
    if (
        fixed is None
        or check.has_error(("noiseMinPercent",))
        or check.has_error(("noiseMaxPercent",))
    ):
        return
    rule = DisclosureRule.from_settings(settings)
    wanted = {"noiseMinPercent": rule.noise_min_percent, "noiseMaxPercent": rule.noise_max_percent}
    for field, value in zip(("noiseMinPercent", "noiseMaxPercent"), fixed, strict=True):
        if given.get(field) is not None and wanted[field] != value:
            check.add(
                (field,),
                f"The noise is fixed at {fixed[0]}% to {fixed[1]}% since the partnership's first "
                "release of pooled demand: releases blurred with other bounds could be "
                "compared to undo the noise.",
                "FIXED",
            )


def _flat(settings: Mapping[str, Any]) -> dict[str, Any]:
    """One entry per setting, as the audit diff names them (``disclosure_p_percent``):
    the stored value or else the default, and whatever else a group holds (so a value
    the rules do not know shows as removed). Judges nothing: the stored row may be
    one the rules refuse."""
    flat: dict[str, Any] = {
        "time_zone": settings.get("time_zone"),
        "public_programs": public_programs_on(settings),
    }
    for group, defaults in (
        ("disclosure", DisclosureRule().as_settings()),
        ("releases", ReleaseSchedule().as_settings()),
        ("outcomes", PeopleRule().as_settings()),
    ):
        stored = settings.get(group)
        values = {**defaults, **(stored if isinstance(stored, Mapping) else {})}
        flat.update({f"{group}_{name}": value for name, value in values.items()})
    return flat
