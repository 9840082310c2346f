"""The events domain's plain HTTP routes (``coalition.app`` mounts every domain's
``ROUTES``): the public feeds of ``events.public``. The ``.ics`` route of one event comes
before its JSON route, whose ``{event_id}`` would match ``<id>.ics`` too."""

from __future__ import annotations

from starlette.routing import Route

from coalition.events.public import event_calendar, event_document, events_feed, events_list

ROUTES = [
    Route("/public/{slug}/events.ics", events_feed, methods=["GET"]),
    Route("/public/{slug}/events", events_list, methods=["GET"]),
    Route("/public/{slug}/events/{event_id}.ics", event_calendar, methods=["GET"]),
    Route("/public/{slug}/events/{event_id}", event_document, methods=["GET"]),
]

__all__ = ["ROUTES"]
