"""The events domain's enums as GraphQL sees them, each value described.

Imported by every events GraphQL module before it names an enum: strawberry must meet
the described enum first, or it builds an undescribed twin.
"""

from __future__ import annotations

import enum

from coalition.api.enums import expose_enum
from coalition.events import models


class AccessibilityFeature(enum.StrEnum):
    """What an event offers, as a filter asks for it (``reads.ACCESSIBILITY_COLUMNS``)."""

    STEP_FREE_ACCESS = "STEP_FREE_ACCESS"
    ASL_INTERPRETATION = "ASL_INTERPRETATION"
    CAPTIONING = "CAPTIONING"
    TRANSIT_NEARBY = "TRANSIT_NEARBY"
    CHILDCARE = "CHILDCARE"
    QUIET_ROOM = "QUIET_ROOM"


expose_enum(
    models.EventKind,
    name="EventKind",
    description="What kind of event.",
    values={
        models.EventKind.JOB_FAIR: "Many employers meet job seekers.",
        models.EventKind.HIRING_HALL: "A union or employer hires on the spot.",
        models.EventKind.INFORMATION_SESSION: "An information session about jobs or training.",
        models.EventKind.TRAINING_OPEN_HOUSE: "A training provider shows its programs.",
        models.EventKind.EMPLOYER_SITE_VISIT: "A visit to an employer's workplace.",
        models.EventKind.OTHER: "Anything else.",
    },
)
expose_enum(
    models.AttendanceMode,
    name="EventAttendanceMode",
    description="How people attend (schema.org eventAttendanceMode).",
    values={
        models.AttendanceMode.IN_PERSON: "At a venue.",
        models.AttendanceMode.ONLINE: "Online, by a link.",
        models.AttendanceMode.MIXED: "Either at the venue or online.",
    },
)
expose_enum(
    models.EventStatus,
    name="EventStatus",
    description="Where an event stands.",
    values={
        models.EventStatus.DRAFT: "Being prepared: seen only by its organizer and the convener.",
        models.EventStatus.PUBLISHED: "Announced: people register, employers ask to exhibit.",
        models.EventStatus.CANCELLED: "Called off (it stays in the calendar feeds as cancelled).",
        models.EventStatus.COMPLETED: "Held.",
    },
)
expose_enum(
    models.Visibility,
    name="EventVisibility",
    description="Who sees a published event.",
    values={
        models.Visibility.PUBLIC: "Anyone: the public feeds list it, and anyone may register.",
        models.Visibility.MEMBERS: "Partnership members and partner apps with events:read only.",
    },
)
expose_enum(
    models.ExhibitorStatus,
    name="ExhibitorStatus",
    description="Where an organization's request to exhibit stands.",
    values={
        models.ExhibitorStatus.REQUESTED: "Asked, waiting for the organizer.",
        models.ExhibitorStatus.APPROVED: "Approved: it appears on the event.",
        models.ExhibitorStatus.DECLINED: "Declined by the organizer.",
        models.ExhibitorStatus.WITHDRAWN: "Withdrawn by the organization itself.",
    },
)
expose_enum(
    models.SessionKind,
    name="EventSessionKind",
    description="What kind of session inside an event.",
    values={
        models.SessionKind.GROUP: "A group session (a talk, a workshop).",
        models.SessionKind.INTERVIEW_SLOT: "A 1:1 interview slot with one exhibitor.",
    },
)
expose_enum(
    AccessibilityFeature,
    name="AccessibilityFeature",
    description="Accessibility an event offers.",
    values={
        AccessibilityFeature.STEP_FREE_ACCESS: "Step-free access to the venue.",
        AccessibilityFeature.ASL_INTERPRETATION: "American Sign Language interpretation.",
        AccessibilityFeature.CAPTIONING: "Live captioning (CART).",
        AccessibilityFeature.TRANSIT_NEARBY: "Public transit nearby.",
        AccessibilityFeature.CHILDCARE: "Childcare on site.",
        AccessibilityFeature.QUIET_ROOM: "A quiet room.",
    },
)

__all__ = ["AccessibilityFeature"]
