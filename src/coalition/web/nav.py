"""The menu: the pages for the kinds of organization a person belongs to and their roles.

A menu entry is only a way in: each page's GraphQL decides what it shows, and a page
opened by someone it is not for answers 403 or shows nothing of others'."""

from __future__ import annotations

from dataclasses import dataclass

from coalition.web.visit import Visit

EMPLOYER = "EMPLOYER"
FUNDER = "FUNDER"
PROVIDERS = ("TRAINING_PROVIDER", "EDUCATION_INSTITUTION")
ORGANIZERS = ("WORKER_ORGANIZATION", "COMMUNITY_ORGANIZATION")
CONVENER_ROLES = frozenset({"PARTNERSHIP_ADMIN", "ANALYST"})


@dataclass(frozen=True)
class Entry:
    href: str
    label: str


def menu(visit: Visit) -> list[Entry]:
    kinds, roles = visit.kinds(), visit.roles
    entries = [Entry("/", "Home")]
    if roles & CONVENER_ROLES:
        entries.append(Entry("/partnership", "Partnership"))
        entries.append(Entry("/members", "Members"))
    if "PARTNERSHIP_ADMIN" in roles:
        entries.append(Entry("/settings", "Settings"))
        entries.append(Entry("/audit", "Audit log"))
    if EMPLOYER in kinds:
        entries.append(Entry("/demand/new", "Post demand"))
        entries.append(Entry("/demand", "Our demand"))
        entries.append(Entry("/contributions", "Contributions"))
    entries.append(Entry("/demand/pooled", "Pooled demand"))
    if FUNDER in kinds or "PARTNERSHIP_ADMIN" in roles:
        entries.append(Entry("/funds", "Funds"))
    if kinds & set(PROVIDERS):
        entries.append(Entry("/programs", "Programs"))
        entries.append(Entry("/gap", "Skills gap"))
        entries.append(Entry("/scorecard", "Scorecard"))
    if kinds & set(ORGANIZERS) or "PARTNERSHIP_ADMIN" in roles:
        entries.append(Entry("/events", "Events"))
    if kinds & {*ORGANIZERS, *PROVIDERS}:
        entries.append(Entry("/outcomes/import", "Report outcomes"))
    return entries
