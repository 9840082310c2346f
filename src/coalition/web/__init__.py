"""The web app for the partnership's people: server-rendered pages over the GraphQL schema.

Each page is a GraphQL document run in-process as the signed-in person
(``coalition.api.inprocess``) and a Jinja2 template; forms are mutations. Who may see
or change what is decided by the schema's services alone, so a page shows exactly what
that person's GraphQL can read. See docs/decisions/0013-web-app.md.
"""
