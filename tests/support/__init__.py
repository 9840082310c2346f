"""Helpers every domain's tests share, one module a subject:

- ``world``: a partnership with every role and partner app, and their tokens;
- ``graphql``: the GraphQL client over the test app;
- ``snapshots``: every row of a partnership, to prove nothing was written;
- ``statements``: counting the SQL statements a request runs.

Test modules import from here, never from one another.
"""
