"""The supply domain's plain HTTP routes (``coalition.app`` mounts every domain's ``ROUTES``)."""

from __future__ import annotations

from starlette.routing import Route

from coalition.supply.public import public_programs

ROUTES = [Route("/public/{slug}/programs.jsonld", public_programs, methods=["GET"])]

__all__ = ["ROUTES"]
