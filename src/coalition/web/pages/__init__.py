"""The pages, one module per kind of person using them; ``PAGES`` lists the modules
(each has ``ROUTES``): the one list to change when adding one."""

from __future__ import annotations

PAGES: tuple[str, ...] = (
    "coalition.web.pages.home",
    "coalition.web.pages.convener",
    "coalition.web.pages.employer",
    "coalition.web.pages.funder",
    "coalition.web.pages.provider",
    "coalition.web.pages.provider_figures",
    "coalition.web.pages.outcomes",
    "coalition.web.pages.public_programs",
    "coalition.web.pages.organizer",
    "coalition.web.pages.public",
)
