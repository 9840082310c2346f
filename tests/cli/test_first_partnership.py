"""A partnership made only with the command line, used by its first admin through the
API: the commands of the README's "A new partnership", in order."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
from typing import Any

import httpx

from coalition.app import create_app
from coalition.config import Settings
from coalition.demo import PARTNERSHIPS, demo_email
from tests.support.cli import REPOSITORY, run
from tests.support.graphql import GraphQLClient

README = (REPOSITORY / "README.md").read_text()

CREATE_ORGANIZATION = """
mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id name kind }
    userErrors { field message code }
  }
}"""
CREATE_SIGNAL = """
mutation($input: CreateDemandSignalInput!) {
  createDemandSignal(input: $input) {
    demandSignal { openings startQuarter occupation { code } organization { name } }
    userErrors { field message code }
  }
}"""
VIEWER = "{ viewer { label roles } tenant { name } }"


def graphql(settings: Settings, calls: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    """Each (token, query, variables) against the in-process app; the JSON bodies."""

    async def main() -> list[Any]:
        application = create_app(settings, configure_logs=False)
        bodies = []
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                client = GraphQLClient(http)
                for token, query, variables in calls:
                    bodies.append(await client(query, variables, token=token))
        return bodies

    return asyncio.run(main())


def token(slug: str, email: str) -> str:
    result = run("token", "--tenant", slug, "--email", email)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def readme_commands(section: str) -> list[list[str]]:
    """The ``coalition`` commands of the first sh block under the README's ``section``."""
    text = README.split(f"\n## {section}\n", 1)[1]
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line) for line in block.replace("\\\n", " ").splitlines()]
    assert all(command[0] == ".venv/bin/coalition" for command in commands)
    return [command[1:] for command in commands]


def test_the_readme_lists_every_demo_login() -> None:
    rows = re.findall(r"^\| `([^`]+)` \| ([A-Z_]+) \| ([^|]+) \|$", README, re.MULTILINE)

    assert rows == [
        (demo_email(person, partnership.slug), person.role.value, person.organization)
        for partnership in PARTNERSHIPS
        for person in partnership.people
    ]


def test_a_partnership_made_with_the_readme_commands_is_usable_by_its_first_admin(
    cli_env: Settings,
) -> None:
    # given: the README's commands, run as they are written
    *setup, mint = readme_commands("A new partnership")
    assert [command[:2] for command in setup] == [["tenant", "create"], ["person", "add"]]
    assert mint[0] == "token"
    for command in setup:
        done = run(*command)
        assert done.exit_code == 0, done.output
    slug = setup[0][setup[0].index("--slug") + 1]
    minted = run(*mint)
    assert minted.exit_code == 0, minted.output
    admin = minted.stdout.strip()

    # when: the admin adds an employer and posts its demand through the API
    [organization] = graphql(
        cli_env,
        [
            (
                admin,
                CREATE_ORGANIZATION,
                {"input": {"name": "Valley Clinic", "kind": "EMPLOYER", "employeeCount": 40}},
            )
        ],
    )
    payload = organization["data"]["createOrganization"]
    assert payload["userErrors"] == []
    signal_input = {
        "organizationId": payload["organization"]["id"],
        "occupationCode": "31-1131",
        "openings": 4,
        "startQuarter": "2027Q2",
        "endQuarter": "2027Q4",
        "openingsKind": "GROWTH",
    }
    # and the operator adds one of the employer's people, who signs in too
    added = run(
        "person",
        "add",
        "--tenant",
        slug,
        "--email",
        f"hr@{slug}.example",
        "--organization",
        "Valley Clinic",
        "--role",
        "MEMBER",
    )
    assert added.exit_code == 0, added.output
    member = token(slug, f"hr@{slug}.example")
    analyst = token(slug, f"lee@{slug}.example")
    signal, admin_view, member_view, analyst_view = graphql(
        cli_env,
        [
            (admin, CREATE_SIGNAL, {"input": signal_input}),
            (admin, VIEWER, {}),
            (member, VIEWER, {}),
            (analyst, VIEWER, {}),
        ],
    )

    # then
    assert payload["organization"]["name"] == "Valley Clinic"
    assert json.loads(added.stdout)["organization"] == payload["organization"]["id"]
    assert signal == {
        "data": {
            "createDemandSignal": {
                "demandSignal": {
                    "openings": 4,
                    "startQuarter": "2027Q2",
                    "occupation": {"code": "31-1131"},
                    "organization": {"name": "Valley Clinic"},
                },
                "userErrors": [],
            }
        }
    }
    assert admin_view == {
        "data": {
            "viewer": {"label": f"dana@{slug}.example", "roles": ["PARTNERSHIP_ADMIN"]},
            "tenant": {"name": "Valley Care Partnership"},
        }
    }
    assert member_view["data"]["viewer"] == {"label": f"hr@{slug}.example", "roles": ["MEMBER"]}
    assert analyst_view["data"]["viewer"] == {
        "label": f"lee@{slug}.example",
        "roles": ["ANALYST"],
    }
