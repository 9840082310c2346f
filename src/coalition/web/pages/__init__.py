"""The pages, one module per kind of person using them; ``PAGES`` lists the modules
(each has ``ROUTES``): the one list to change when adding one."""

from __future__ import annotations

PAGES: tuple[str, ...] = ("coalition.web.pages.home", "coalition.web.pages.convener")
