"""Walking the web app as a person: every link of the same site from the home page, a
few clicks deep (downloads, feeds, sign-in and sign-out left out), and the global ids a
page shows (in links and form fields)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from coalition.ids import parse_global_id

PEOPLE = [
    "admin",
    "analyst",
    "employer-admin",
    "employer-member",
    "college-admin",
    "funder",
    "union-admin",
    "community-admin",
    "training-admin",
]
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(
    r"\.(csv|xlsx|ics|json|jsonld)(\?|$)|^/static/|^/signout|^/signin|^/graphql|^/public/"
)
TOKEN = re.compile(r"[A-Za-z0-9_-]{40,}")


def links(html: str) -> list[str]:
    found = []
    for link in LINK.findall(html):
        link = link.replace("&amp;", "&")
        if not SKIP.search(link) and "after=" not in link and link not in found:
            found.append(link)
    return found


async def walk(get: Callable[[str], Awaitable[tuple[int, str]]], depth: int = 2) -> dict[str, int]:
    """Each page reached (path -> status), following links ``depth`` clicks from home."""
    seen: dict[str, int] = {}
    frontier = ["/"]
    for _ in range(depth + 1):
        following: list[str] = []
        for path in frontier:
            if path in seen:
                continue
            status, html = await get(path)
            seen[path] = status
            if status == 200:
                following.extend(link for link in links(html) if link not in seen)
        frontier = following
    return seen


ATTRIBUTE = re.compile(r'(?:href|value|action|data-live)="([^"]*)"')


def global_ids(html: str) -> set[str]:
    """The global ids (``Type:uuid`` in base64url) a page links to or puts in a form: the
    objects it lets the person open or act on. (The audit log also prints the ids of the
    objects its entries are about, as ``auditEvents`` gives them: text, not links.)"""
    return {
        token
        for attribute in ATTRIBUTE.findall(html)
        for token in TOKEN.findall(attribute)
        if parse_global_id(token) is not None
    }
