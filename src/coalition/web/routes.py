"""The web app's routes, mounted last by ``coalition.app`` (so the API's own paths come
first): sign-in, every page module's routes, and the static assets, behind the signed
session cookie and the security headers."""

from __future__ import annotations

import importlib
from pathlib import Path

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from coalition.config import Settings
from coalition.web import signin
from coalition.web.nav import menu
from coalition.web.pages import PAGES
from coalition.web.security import SESSION_COOKIE, SecurityHeaders, session_key
from coalition.web.templating import ENVIRONMENT
from coalition.web.visit import render

ENVIRONMENT.globals["menu"] = menu

STATIC = Path(__file__).parent / "static"


def page_routes(pages: tuple[str, ...] = PAGES) -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for module in pages:
        found.extend(importlib.import_module(module).ROUTES)
    return found


async def not_found(request: Request) -> Response:
    """Any other address: a page that says so (and links back), not a bare 404."""
    return render(
        request,
        "error.html",
        status=404,
        title="Not found",
        message="There is no page at this address.",
    )


def web_mount(settings: Settings) -> Mount:
    routes: list[BaseRoute] = [
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        *signin.ROUTES,
        *page_routes(),
        Route("/{path:path}", not_found, methods=["GET"]),
    ]
    return Mount(
        "",
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=session_key(settings),
                session_cookie=SESSION_COOKIE,
                max_age=settings.session_seconds,
                same_site="lax",
                https_only=settings.is_production,
            ),
        ],
    )
