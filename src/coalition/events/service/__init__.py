"""Business rules for events: posting and changing them, their exhibitors (requests,
decisions, reported outcomes) and sessions. Registration, the waitlist and check-in are
in ``events.registrations``.

Every function takes the session (bound to the caller's tenant by the caller, who owns
the transaction: nothing here commits) and the principal. Every read of events starts
from ``permissions.visible_events``, scoped to the caller's tenant and to who may see
what; an event (or an exhibitor or session of one) the caller may not see is handled
exactly like an ID that does not exist (NOT_FOUND). Each command checks permissions
(``Forbidden``), validates every field (every problem at once, in one
``InvalidInput``) before writing, locks the event's row when it changes what the event
shows, and writes its audit event in the same transaction. Reads are in ``reads``.
"""

from __future__ import annotations

from coalition.events.service.events import (
    confirmed_counts,
    create_event,
    managed_event,
    set_event_status,
    update_event,
)
from coalition.events.service.exhibitors import (
    REPORT_WINDOW,
    decide_exhibitor,
    report_outcomes,
    reports_close_at,
    request_to_exhibit,
    withdraw_exhibitor,
)
from coalition.events.service.sessions import add_session

__all__ = [
    "REPORT_WINDOW",
    "add_session",
    "confirmed_counts",
    "create_event",
    "decide_exhibitor",
    "managed_event",
    "report_outcomes",
    "reports_close_at",
    "request_to_exhibit",
    "set_event_status",
    "update_event",
    "withdraw_exhibitor",
]
