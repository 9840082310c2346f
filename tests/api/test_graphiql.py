"""GraphiQL works offline: its page loads only assets this package ships and serves."""

from __future__ import annotations

import tomllib
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import httpx

from tests.support.graphql import GraphQLClient

REPOSITORY = Path(__file__).resolve().parents[2]
BROWSER = {"Accept": "text/html,application/xhtml+xml"}
CONTENT_TYPES = {"script": ("text/javascript", "application/javascript"), "link": ("text/css",)}


class _Assets(HTMLParser):
    """Every script and stylesheet a page references, as (tag, URL)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.found.append((tag, str(values["src"])))
        if tag == "link" and values.get("rel") == "stylesheet":
            self.found.append((tag, str(values["href"])))


def assets_of(page: str) -> list[tuple[str, str]]:
    parser = _Assets()
    parser.feed(page)
    return parser.found


async def test_the_page_references_only_local_assets(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers=BROWSER)

    assert response.status_code == 200
    assert assets_of(response.text) == [
        ("link", "/static/graphiql/graphiql.min.css"),
        ("script", "/static/graphiql/react.production.min.js"),
        ("script", "/static/graphiql/react-dom.production.min.js"),
        ("script", "/static/graphiql/graphiql.min.js"),
        ("script", "/static/graphiql/start.js"),
    ]
    assert "http://" not in response.text
    assert "https://" not in response.text


async def test_every_asset_the_page_references_is_served(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers=BROWSER)

    for tag, url in assets_of(page.text):
        response = await http.get(url)
        assert response.status_code == 200, url
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in CONTENT_TYPES[tag], (url, media_type)
        assert response.content, url


async def test_the_browser_may_load_nothing_from_elsewhere(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers=BROWSER)

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"


def test_the_assets_ship_with_their_licences_and_versions() -> None:
    shipped = files("coalition") / "static" / "graphiql"
    names = sorted(entry.name for entry in shipped.iterdir())

    assert names == [
        "LICENSE.graphiql",
        "LICENSE.react",
        "LICENSE.react-dom",
        "VERSIONS",
        "graphiql.min.css",
        "graphiql.min.js",
        "react-dom.production.min.js",
        "react.production.min.js",
        "start.js",
    ]
    versions = (shipped / "VERSIONS").read_text()
    for package in ("graphiql 3.8.3", "react 18.2.0", "react-dom 18.2.0"):
        assert package in versions
    for licence in ("LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"):
        assert (shipped / licence).read_text().startswith("MIT License")


def test_the_assets_are_package_data() -> None:
    # An installed wheel holds only what package-data names: without it GraphiQL 404s.
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())

    assert "static/graphiql/*" in project["tool"]["setuptools"]["package-data"]["coalition"]


async def test_production_serves_no_graphiql_assets(production_gql: GraphQLClient) -> None:
    response = await production_gql.http.get("/static/graphiql/graphiql.min.js")

    assert response.status_code == 404
