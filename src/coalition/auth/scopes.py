"""OAuth2 scopes a partner app can hold. Each domain adds its own here."""

from __future__ import annotations

READ = "read"
WRITE = "write"
DEMAND_READ = "demand:read"
FUNDS_READ = "funds:read"
PROGRAMS_READ = "programs:read"
EVENTS_READ = "events:read"
OUTCOMES_READ = "outcomes:read"

SCOPES: dict[str, str] = {
    READ: "Read the partnership's directory and shared data.",
    WRITE: "Create and update organizations on the partnership's behalf.",
    DEMAND_READ: "Read demand signals shared by name and the pooled demand.",
    FUNDS_READ: "Read fund pools, contributions, disbursements, the ledger and funder reports.",
    PROGRAMS_READ: "Read training programs, their cohorts, the skills gap and career pathways.",
    EVENTS_READ: "Read published events (members-only ones too), their exhibitors and sessions; "
    "never who registered.",
    OUTCOMES_READ: "Read outcome metrics, provider scorecards and outcome reports, with small "
    "cells suppressed; never a participant's record.",
}

# What a person's token carries: people act by their roles, not by scopes.
USER_SCOPES = frozenset({READ, WRITE})


def unknown_scopes(requested: list[str] | set[str] | frozenset[str]) -> list[str]:
    return sorted(set(requested) - SCOPES.keys())
