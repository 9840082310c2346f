"""A partnership made only with the command line, used by its first admin through the
API: the commands of the README's "A new partnership", in order."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from coalition.app import create_app
from coalition.config import Settings
from tests.support.cli import new_slug, run

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
                for token, query, variables in calls:
                    response = await http.post(
                        "/graphql",
                        json={"query": query, "variables": variables},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    assert response.status_code == 200, response.text
                    bodies.append(response.json())
        return bodies

    return asyncio.run(main())


def token(slug: str, email: str) -> str:
    result = run("token", "--tenant", slug, "--email", email)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_partnership_made_with_the_cli_is_usable_by_its_first_admin(
    cli_env: Settings,
) -> None:
    # given: the partnership and its first admin, made with the CLI only
    slug = new_slug()
    created = run(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "Valley Care Partnership",
        "--region",
        "Valley",
        "--time-zone",
        "America/Chicago",
        "--admin-email",
        f"admin@{slug}.example",
        "--admin-name",
        "Dana Diaz",
    )
    assert created.exit_code == 0, created.output
    admin = token(slug, f"admin@{slug}.example")

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
    # and an operator adds one of the employer's people, who signs in too
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
    signal, admin_view, member_view = graphql(
        cli_env,
        [
            (admin, CREATE_SIGNAL, {"input": signal_input}),
            (admin, VIEWER, {}),
            (member, VIEWER, {}),
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
            "viewer": {"label": f"admin@{slug}.example", "roles": ["PARTNERSHIP_ADMIN"]},
            "tenant": {"name": "Valley Care Partnership"},
        }
    }
    assert member_view["data"]["viewer"] == {"label": f"hr@{slug}.example", "roles": ["MEMBER"]}
