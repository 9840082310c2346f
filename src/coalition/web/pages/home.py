"""The start page: who you are in the partnership, and the pages for your work."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from coalition.web.nav import menu
from coalition.web.visit import Visit, page

PURPOSES = {
    "/partnership": "The partnership at a glance: members, pooled demand, the skills gap, "
    "initiatives, funds and events.",
    "/members": "Member organizations and their people.",
    "/settings": "Disclosure rules and the release schedule of pooled demand.",
    "/audit": "Who changed what, and who was refused.",
    "/demand/new": "Tell the partnership how many people you expect to hire, in two minutes.",
    "/demand": "The demand your organization has posted.",
    "/demand/pooled": "What all employers together expect to hire, without anyone's own numbers.",
    "/contributions": "Record a contribution and follow its match.",
    "/funds": "Every dollar of the matching funds: pools, contributions and disbursements.",
    "/programs": "Your training programs and cohorts.",
    "/gap": "Demand against the people your programs expect to complete.",
    "/scorecard": "Your programs' outcomes.",
    "/events": "Job fairs and hiring events: post, manage registrations, check people in.",
    "/outcomes/import": "Report participants' outcomes from a CSV file.",
}


@page
async def home(visit: Visit) -> Response:
    """The start page."""
    shortcuts = [(entry, PURPOSES.get(entry.href, "")) for entry in menu(visit)[1:]]
    return visit.render("home.html", title="Home", shortcuts=shortcuts)


ROUTES = [Route("/", home, methods=["GET"])]
