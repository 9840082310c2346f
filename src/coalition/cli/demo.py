"""``coalition demo``: the two demo partnerships, and how to sign in to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from coalition.cli.support import with_owner
from coalition.config import get_settings

if TYPE_CHECKING:
    from coalition.demo import DemoResult

NAME = "demo"


def command() -> None:
    """Seed the two demo partnerships (idempotent); prints their logins and next steps."""
    from coalition.db.engine import create_session_factory
    from coalition.demo import seed_demo

    settings = get_settings()
    result = with_owner(settings, lambda engine: seed_demo(create_session_factory(engine)))
    typer.echo("\n".join(report(result, graphql_url=settings.issuer.rstrip("/") + "/graphql")))


def report(result: DemoResult, *, graphql_url: str) -> list[str]:
    """The lines ``coalition demo`` prints: the logins, the vocabulary, the next step."""
    from coalition.demo import demo_email

    rows = [
        (demo_email(person, partnership.slug), person.role.value, person.organization)
        for partnership in result.partnerships
        for person in partnership.people
    ]
    headings = ("email", "role", "organization")
    widths = [max(len(row[column]) for row in [headings, *rows]) for column in range(2)]
    lines = ["Demo logins:", ""]
    for email, role, organization in [headings, *rows]:
        lines.append(f"  {email:<{widths[0]}}  {role:<{widths[1]}}  {organization}")
    if result.is_full_vocabulary:
        vocabulary = f"the full reference sets ({result.occupation_count:,} occupations)"
    else:
        vocabulary = (
            f"the starter set ({result.occupation_count} occupations); for the full sets run "
            "'coalition reference download DIR' and 'coalition reference load DIR'"
        )
    first = result.partnerships[0]
    admin = demo_email(first.people[0], first.slug)
    site = graphql_url.removesuffix("graphql")
    lines += [
        "",
        f"Vocabulary: {vocabulary}.",
        "",
        f"Next: start the server with 'coalition serve', open {site}",
        "and sign in as a demo person; or, for the API, mint a token for a login with",
        f"  coalition token --tenant {first.slug} --email {admin}",
        f"and open GraphiQL at {graphql_url} with the header",
        '  {"Authorization": "Bearer <the token>"}',
    ]
    return lines
