"""What one request learned about itself, for its metrics and its trace.

The middleware (``telemetry.http``) puts a fresh ``RequestFacts`` in a context variable;
the GraphQL endpoint fills it in (operation, outcome, cost, tenant); the statement
listener counts into it. It is one mutable object, so what a DataLoader's task (a copy
of the context) writes is seen by the middleware too.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass
class RequestFacts:
    operation_type: str = ""
    # A bounded label: the document's hash (``api.observed``), never its text.
    operation: str = ""
    outcome: str = ""
    # None: the operation was not priced (it did not parse, or was refused before).
    cost: int | None = None
    tenant_id: uuid.UUID | None = None
    # The partnership's slug when tenant labels are on (``metrics_tenant_labels``), else "".
    tenant_label: str = ""
    statements: int = 0


request_facts_var: contextvars.ContextVar[RequestFacts | None] = contextvars.ContextVar(
    "request_facts", default=None
)


def current_facts() -> RequestFacts | None:
    """The facts of the request being served, or None outside one (a CLI command, a job)."""
    return request_facts_var.get()
