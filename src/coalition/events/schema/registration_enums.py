"""The enums of registrations as GraphQL sees them, each value described (imported by
``registration.py`` before it names them: strawberry must meet the described enum first)."""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.events.models import Attendance, RegistrationStatus

expose_enum(
    Attendance,
    name="Attendance",
    description="How one person attends an event (each way has its own capacity).",
    values={
        Attendance.IN_PERSON: "In the room.",
        Attendance.ONLINE: "Online.",
    },
)
expose_enum(
    RegistrationStatus,
    name="RegistrationStatus",
    description="Where a registration stands.",
    values={
        RegistrationStatus.CONFIRMED: "Has a seat.",
        RegistrationStatus.WAITLISTED: "Waits for a seat, in arrival order; a cancellation "
        "seats the first person waiting.",
        RegistrationStatus.CANCELLED: "Cancelled by the person or the organizer's staff.",
    },
)

__all__ = ["Attendance", "RegistrationStatus"]
