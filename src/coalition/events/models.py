"""Tables of the events domain (all tenant-owned): events, who exhibits at them with
which openings, sessions inside them, who registered, and what exhibitors report after.

Instants are ``timestamptz``; ``time_zone`` is the IANA zone the event is held in (its
local times, its ICS ``TZID``). ``sequence`` is the iCalendar SEQUENCE: bumped by every
change of a published event. A registration's ``arrival`` is the event's ``arrivals``
counter, taken and bumped while the event's row is locked: the order in which
registrations took seats (a re-registration after cancelling takes a new one). The
waitlist is the WAITLISTED registrations in that order.

Personal data (a registration's name, email, phone, needs) lives in
``event_registrations`` only; nothing else stores or copies it (the audit log gets the
registration's ID, never its email).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class EventKind(enum.StrEnum):
    JOB_FAIR = "JOB_FAIR"
    HIRING_HALL = "HIRING_HALL"
    INFORMATION_SESSION = "INFORMATION_SESSION"
    TRAINING_OPEN_HOUSE = "TRAINING_OPEN_HOUSE"
    EMPLOYER_SITE_VISIT = "EMPLOYER_SITE_VISIT"
    OTHER = "OTHER"


class AttendanceMode(enum.StrEnum):
    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    MIXED = "MIXED"


class EventStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


class Visibility(enum.StrEnum):
    PUBLIC = "PUBLIC"
    MEMBERS = "MEMBERS"


class ExhibitorStatus(enum.StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


class SessionKind(enum.StrEnum):
    GROUP = "GROUP"
    INTERVIEW_SLOT = "INTERVIEW_SLOT"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"


class Attendance(enum.StrEnum):
    """How one person attends: in the room or online (each has its own capacity)."""

    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


class Event(TenantScoped, Base):
    """A job fair, hiring hall, session, open house or site visit a member organizes."""

    __tablename__ = "events"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        ForeignKeyConstraint(["tenant_id", "created_by_user_id"], ["users.tenant_id", "users.id"]),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "capacity_in_person IS NULL OR capacity_in_person >= 0", name="in_person_not_negative"
        ),
        CheckConstraint(
            "capacity_online IS NULL OR capacity_online >= 0", name="online_not_negative"
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index(None, "tenant_id", "starts_at", "id"),
        Index(None, "tenant_id", "organization_id", "id"),
        Index(None, "tenant_id", "status", "visibility", "starts_at"),
    )

    organization_id: Mapped[uuid.UUID]
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, "event_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(String(64))
    attendance_mode: Mapped[AttendanceMode] = mapped_column(
        _enum(AttendanceMode, "attendance_mode")
    )
    venue_name: Mapped[str | None] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(String(300))
    venue_city: Mapped[str | None] = mapped_column(String(100))
    venue_postal_code: Mapped[str | None] = mapped_column(String(20))
    online_url: Mapped[str | None] = mapped_column(String(2048))
    step_free_access: Mapped[bool] = mapped_column(Boolean, server_default="false")
    asl_interpretation: Mapped[bool] = mapped_column(Boolean, server_default="false")
    captioning: Mapped[bool] = mapped_column(Boolean, server_default="false")
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    transit_nearby: Mapped[bool] = mapped_column(Boolean, server_default="false")
    childcare: Mapped[bool] = mapped_column(Boolean, server_default="false")
    quiet_room: Mapped[bool] = mapped_column(Boolean, server_default="false")
    accessibility_note: Mapped[str] = mapped_column(Text, server_default="")
    capacity_in_person: Mapped[int | None] = mapped_column(Integer)
    capacity_online: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus, "event_status"))
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, "event_visibility"))
    sequence: Mapped[int] = mapped_column(Integer, server_default="0")
    arrivals: Mapped[int] = mapped_column(Integer, server_default="0")
    created_by_user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class EventOccupation(TenantScoped, Base):
    """An occupation (SOC) an event recruits or informs for."""

    __tablename__ = "event_occupations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_id", "occupation_code"),
        ForeignKeyConstraint(
            ["tenant_id", "event_id"], ["events.tenant_id", "events.id"], ondelete="CASCADE"
        ),
        Index(None, "tenant_id", "occupation_code"),
    )

    event_id: Mapped[uuid.UUID]
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))


class EventProgram(TenantScoped, Base):
    """A training program an event presents (an open house's program, say)."""

    __tablename__ = "event_programs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_id", "program_id"),
        ForeignKeyConstraint(
            ["tenant_id", "event_id"], ["events.tenant_id", "events.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "program_id"], ["training_programs.tenant_id", "training_programs.id"]
        ),
        Index(None, "tenant_id", "program_id"),
    )

    event_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]


class Exhibitor(TenantScoped, Base):
    """A member organization's request to exhibit at an event, the organizer's decision,
    and (after the event) what it reports: interviews, offers and hires."""

    __tablename__ = "event_exhibitors"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_id", "organization_id"),
        ForeignKeyConstraint(["tenant_id", "event_id"], ["events.tenant_id", "events.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        CheckConstraint(
            "interviews IS NULL OR (interviews >= 0 AND offers >= 0 AND hires >= 0)",
            name="outcomes_not_negative",
        ),
        CheckConstraint(
            "(interviews IS NULL) = (offers IS NULL) AND (offers IS NULL) = (hires IS NULL)",
            name="outcomes_together",
        ),
        Index(None, "tenant_id", "organization_id"),
    )

    event_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]
    status: Mapped[ExhibitorStatus] = mapped_column(_enum(ExhibitorStatus, "exhibitor_status"))
    note: Mapped[str] = mapped_column(Text, server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    interviews: Mapped[int | None] = mapped_column(Integer)
    offers: Mapped[int | None] = mapped_column(Integer)
    hires: Mapped[int | None] = mapped_column(Integer)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class ExhibitorOpening(TenantScoped, Base):
    """Openings an exhibitor brings: an occupation, how many, the wage range (hourly,
        minor units), and optionally the exhibitor's own demand signals they come from
    (checked when written: each names a signal of the exhibiting organization)."""

    __tablename__ = "event_exhibitor_openings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "exhibitor_id"],
            ["event_exhibitors.tenant_id", "event_exhibitors.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("openings > 0", name="openings_positive"),
        CheckConstraint(
            "wage_min_minor IS NULL OR wage_min_minor >= 0", name="wage_min_not_negative"
        ),
        CheckConstraint(
            "wage_min_minor IS NULL OR wage_max_minor IS NULL OR wage_min_minor <= wage_max_minor",
            name="wage_range_ordered",
        ),
        Index(None, "tenant_id", "exhibitor_id"),
        Index(None, "tenant_id", "occupation_code"),
    )

    exhibitor_id: Mapped[uuid.UUID]
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))
    openings: Mapped[int] = mapped_column(Integer)
    wage_min_minor: Mapped[int | None] = mapped_column(BigInteger)
    wage_max_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    demand_signal_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), server_default="{}")


class ExhibitorOutcome(TenantScoped, Base):
    """One occupation's line of an exhibitor's report (its parts sum to at most the
    exhibitor's own totals)."""

    __tablename__ = "event_exhibitor_outcomes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "exhibitor_id", "occupation_code"),
        ForeignKeyConstraint(
            ["tenant_id", "exhibitor_id"],
            ["event_exhibitors.tenant_id", "event_exhibitors.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(
            "interviews >= 0 AND offers >= 0 AND hires >= 0", name="outcomes_not_negative"
        ),
        Index(None, "tenant_id", "occupation_code"),
    )

    exhibitor_id: Mapped[uuid.UUID]
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))
    interviews: Mapped[int] = mapped_column(Integer)
    offers: Mapped[int] = mapped_column(Integer)
    hires: Mapped[int] = mapped_column(Integer)


class EventSession(TenantScoped, Base):
    """A group session or a 1:1 interview slot inside an event, with its own time and
    capacity; an interview slot belongs to one approved exhibitor."""

    __tablename__ = "event_sessions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "event_id"], ["events.tenant_id", "events.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "exhibitor_id"], ["event_exhibitors.tenant_id", "event_exhibitors.id"]
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index(None, "tenant_id", "event_id", "starts_at", "id"),
    )

    event_id: Mapped[uuid.UUID]
    kind: Mapped[SessionKind] = mapped_column(_enum(SessionKind, "event_session_kind"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    exhibitor_id: Mapped[uuid.UUID | None]
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class Registration(TenantScoped, Base):
    """One person's place at an event (personal data: see the module docstring).

    ``email`` is stored lowercased and is unique per event: registering again with it
    returns this registration. ``token_hash`` is the SHA-256 of the confirmation token
    handed out once, which lets the person cancel; ``code`` is the short check-in code
    (unique per event) printed and QR-encoded in the confirmation."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_id", "email"),
        UniqueConstraint("tenant_id", "event_id", "code"),
        UniqueConstraint("tenant_id", "token_hash"),
        UniqueConstraint("tenant_id", "event_id", "arrival"),
        ForeignKeyConstraint(["tenant_id", "event_id"], ["events.tenant_id", "events.id"]),
        Index(None, "tenant_id", "event_id", "status", "arrival"),
    )

    event_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    accessibility_needs: Mapped[str] = mapped_column(Text, server_default="")
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, server_default="false")
    attendance: Mapped[Attendance] = mapped_column(_enum(Attendance, "event_attendance"))
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus, "registration_status")
    )
    arrival: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64))
    walk_in: Mapped[bool] = mapped_column(Boolean, server_default="false")
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class SessionBooking(TenantScoped, Base):
    """A registered person's place in one session of the event."""

    __tablename__ = "event_session_bookings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "session_id", "registration_id"),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["event_sessions.tenant_id", "event_sessions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "registration_id"],
            ["event_registrations.tenant_id", "event_registrations.id"],
        ),
        Index(None, "tenant_id", "registration_id"),
    )

    session_id: Mapped[uuid.UUID]
    registration_id: Mapped[uuid.UUID]
    created_at: Mapped[Timestamp]


class RegistrationAttempt(TenantScoped, Base):
    """One anonymous registration attempt, for the rate limits: the event and a keyed
    hash of the caller's address (never the address itself). Old rows are pruned."""

    __tablename__ = "event_registration_attempts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "event_id"], ["events.tenant_id", "events.id"], ondelete="CASCADE"
        ),
        Index(None, "tenant_id", "event_id", "attempted_at"),
        Index(None, "tenant_id", "address_hash", "attempted_at"),
    )

    event_id: Mapped[uuid.UUID]
    address_hash: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[Timestamp]


__all__ = [
    "Attendance",
    "AttendanceMode",
    "Event",
    "EventKind",
    "EventOccupation",
    "EventProgram",
    "EventSession",
    "EventStatus",
    "Exhibitor",
    "ExhibitorOpening",
    "ExhibitorOutcome",
    "ExhibitorStatus",
    "Registration",
    "RegistrationAttempt",
    "RegistrationStatus",
    "SessionBooking",
    "SessionKind",
    "Visibility",
]
