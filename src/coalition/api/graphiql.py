"""GraphiQL in development, served entirely from this package (it works offline).

The page loads GraphiQL, React and ReactDOM from ``coalition/static/graphiql/``
(vendored: see the ``VERSIONS`` note there) under ``/static/graphiql/``, never
from a CDN; its Content-Security-Policy lets the browser load nothing else.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC_PATH = "/static/graphiql"
# What the page loads, in order: stylesheet first, then React before GraphiQL.
STYLESHEETS = ("graphiql.min.css",)
SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "start.js")

# Inline styles: GraphiQL's editor sets them at run time. Fonts and icons come as data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Coalition GraphiQL</title>
    <link rel="icon" href="data:,">
    <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
{styles}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL...</div>
{scripts}
  </body>
</html>
"""


def static_files() -> StaticFiles:
    """The vendored assets, read from the installed package (its package data)."""
    return StaticFiles(packages=[("coalition", "static/graphiql")])


def graphiql_page(request: Request) -> HTMLResponse:
    base = request.scope.get("root_path", "").rstrip("/") + STATIC_PATH
    styles = "\n".join(f'    <link rel="stylesheet" href="{base}/{name}">' for name in STYLESHEETS)
    scripts = "\n".join(f'    <script src="{base}/{name}"></script>' for name in SCRIPTS)
    return HTMLResponse(
        _PAGE.format(styles=styles, scripts=scripts),
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
    )
