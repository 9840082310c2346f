"""Tables of the outcomes domain (all tenant-owned): participant records.

A participant record is one period of participation of one person served by a
reporting member, in a layout aligned with the U.S. DOL Participant Individual Record
Layout (PIRL, ETA-9172): the element numbers are on the fields of ``pirl.py``. It is
personal data: nobody but the reporting member's own organization admins (and the
operator) reads one (``permissions``). The person is named only by the member's own
identifier, never an SSN; age is stored as a band, never a birth date.

Credentials (up to three, PIRL 1800-1805) and measurable skill gains (one date per
type, PIRL 1806-1810) are columns, as in the PIRL: a record is one flat row, read and
written in one statement.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class Sex(enum.StrEnum):
    """PIRL 201: 1 male, 2 female, 9 did not self-identify."""

    MALE = "MALE"
    FEMALE = "FEMALE"
    NOT_DISCLOSED = "NOT_DISCLOSED"


class AgeBand(enum.StrEnum):
    """Age at program entry, as a band (the PIRL's 200 is a birth date, never stored)."""

    UNDER_18 = "UNDER_18"
    AGE_18_24 = "AGE_18_24"
    AGE_25_34 = "AGE_25_34"
    AGE_35_44 = "AGE_35_44"
    AGE_45_54 = "AGE_45_54"
    AGE_55_64 = "AGE_55_64"
    AGE_65_PLUS = "AGE_65_PLUS"


class VeteranStatus(enum.StrEnum):
    """PIRL 301 (eligible veteran status): 0 no, 1 and 2 eligible veteran, 3 eligible
    spouse; NOT_DISCLOSED when the person did not say."""

    NO = "NO"
    VETERAN = "VETERAN"
    ELIGIBLE_SPOUSE = "ELIGIBLE_SPOUSE"
    NOT_DISCLOSED = "NOT_DISCLOSED"


class ExitReason(enum.StrEnum):
    """PIRL 923 (other reasons for exit): 00 none of these, 01 institutionalized, 02
    health or medical, 03 deceased, 04 reserve forces called to active duty, 05 foster
    care relocation (youth), 06 ineligible (youth), 07 criminal offender (youth). The
    ones other than NONE_OF_THESE take a person out of the WIOA indicators' cohorts."""

    NONE_OF_THESE = "NONE_OF_THESE"
    INSTITUTIONALIZED = "INSTITUTIONALIZED"
    HEALTH_MEDICAL = "HEALTH_MEDICAL"
    DECEASED = "DECEASED"
    RESERVE_FORCES_ACTIVE_DUTY = "RESERVE_FORCES_ACTIVE_DUTY"
    FOSTER_CARE_RELOCATION = "FOSTER_CARE_RELOCATION"
    INELIGIBLE = "INELIGIBLE"
    CRIMINAL_OFFENDER = "CRIMINAL_OFFENDER"


class Barrier(enum.StrEnum):
    """Barriers to employment of the WIOA list (PIRL 700-800 series)."""

    LOW_INCOME = "LOW_INCOME"
    ENGLISH_LEARNER = "ENGLISH_LEARNER"
    BASIC_SKILLS_DEFICIENT = "BASIC_SKILLS_DEFICIENT"
    EX_OFFENDER = "EX_OFFENDER"
    HOMELESS = "HOMELESS"
    LONG_TERM_UNEMPLOYED = "LONG_TERM_UNEMPLOYED"
    SINGLE_PARENT = "SINGLE_PARENT"
    DISABILITY = "DISABILITY"
    FOSTER_CARE = "FOSTER_CARE"
    DISPLACED_HOMEMAKER = "DISPLACED_HOMEMAKER"
    CULTURAL_BARRIERS = "CULTURAL_BARRIERS"
    EXHAUSTING_TANF = "EXHAUSTING_TANF"


class CredentialType(enum.StrEnum):
    """PIRL 1800 (type of recognized credential): 1 secondary school diploma or
    equivalency, 2 associate degree, 3 bachelor's degree, 4 occupational licensure, 5
    occupational certificate (registered apprenticeship and CTE included), 6
    occupational certification, 7 other recognized diploma, degree or certificate."""

    SECONDARY_DIPLOMA = "SECONDARY_DIPLOMA"
    ASSOCIATE_DEGREE = "ASSOCIATE_DEGREE"
    BACHELORS_DEGREE = "BACHELORS_DEGREE"
    OCCUPATIONAL_LICENSURE = "OCCUPATIONAL_LICENSURE"
    OCCUPATIONAL_CERTIFICATE = "OCCUPATIONAL_CERTIFICATE"
    OCCUPATIONAL_CERTIFICATION = "OCCUPATIONAL_CERTIFICATION"
    OTHER_RECOGNIZED = "OTHER_RECOGNIZED"


class SkillGainType(enum.StrEnum):
    """The measurable skill gains of PIRL 1806-1810, one date each."""

    EDUCATIONAL_FUNCTIONING_LEVEL = "EDUCATIONAL_FUNCTIONING_LEVEL"
    POSTSECONDARY_TRANSCRIPT = "POSTSECONDARY_TRANSCRIPT"
    SECONDARY_TRANSCRIPT = "SECONDARY_TRANSCRIPT"
    TRAINING_MILESTONE = "TRAINING_MILESTONE"
    SKILLS_PROGRESSION = "SKILLS_PROGRESSION"


class TrainingServiceType(enum.StrEnum):
    """PIRL 1303 (type of training service #1): 01 occupational skills training, 02 on-the-
    job training (OJT), 03 skill upgrading and retraining, 04 entrepreneurial training, 05
    adult basic education or English combined with training, 06 customized training, 07
    other occupational skills training, 08 prerequisite training, 09 registered
    apprenticeship, 10 youth occupational skills training, 11 other non-occupational
    skills training. OJT and customized training leave the credential rate's
    denominator (TEGL 10-16)."""

    OCCUPATIONAL_SKILLS = "OCCUPATIONAL_SKILLS"
    ON_THE_JOB = "ON_THE_JOB"
    SKILL_UPGRADING = "SKILL_UPGRADING"
    ENTREPRENEURIAL = "ENTREPRENEURIAL"
    ADULT_EDUCATION_COMBINED = "ADULT_EDUCATION_COMBINED"
    CUSTOMIZED = "CUSTOMIZED"
    OTHER_OCCUPATIONAL_SKILLS = "OTHER_OCCUPATIONAL_SKILLS"
    PREREQUISITE = "PREREQUISITE"
    REGISTERED_APPRENTICESHIP = "REGISTERED_APPRENTICESHIP"
    YOUTH_OCCUPATIONAL_SKILLS = "YOUTH_OCCUPATIONAL_SKILLS"
    OTHER_NON_OCCUPATIONAL = "OTHER_NON_OCCUPATIONAL"


class EmploymentStatus(enum.StrEnum):
    """PIRL 1600/1602/1604/1606 (employed in a quarter after the exit quarter): codes
    1-3 are EMPLOYED, 0 NOT_EMPLOYED, 9 UNKNOWN (not found in wage records yet)."""

    EMPLOYED = "EMPLOYED"
    NOT_EMPLOYED = "NOT_EMPLOYED"
    UNKNOWN = "UNKNOWN"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


MAX_CREDENTIALS = 3
RACES = (
    "hispanic_latino",
    "american_indian_alaska_native",
    "asian",
    "black_african_american",
    "native_hawaiian_pacific_islander",
    "white",
    "race_not_self_identified",
)
"""PIRL 210-216, in element order: each yes, no or not recorded."""
SKILL_GAIN_COLUMNS = {
    SkillGainType.EDUCATIONAL_FUNCTIONING_LEVEL: "skill_gain_educational_functioning_level_on",
    SkillGainType.POSTSECONDARY_TRANSCRIPT: "skill_gain_postsecondary_transcript_on",
    SkillGainType.SECONDARY_TRANSCRIPT: "skill_gain_secondary_transcript_on",
    SkillGainType.TRAINING_MILESTONE: "skill_gain_training_milestone_on",
    SkillGainType.SKILLS_PROGRESSION: "skill_gain_skills_progression_on",
}


class ParticipantRecord(TenantScoped, Base):
    """One person's period of participation with a reporting member (``organization_id``).

    ``participant_identifier`` is the member's own ID for the person (PIRL 100): at most
    one record per member has it, so importing the same file again updates instead of
    adding. ``program_id`` and ``cohort_id`` (optional) are the member's program and one
    of its runs; ``employer_organization_id`` is a member of the partnership, or
    ``employer_is_other`` says the employer is not a member. Money is whole cents (USD).
    """

    __tablename__ = "participant_records"
    __table_args__ = (
        # Explicit names where the convention's would pass PostgreSQL's 63 characters.
        UniqueConstraint(
            "tenant_id",
            "organization_id",
            "participant_identifier",
            name="uq_participant_records_participant_identifier",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "cohort_id"],
            ["training_cohorts.tenant_id", "training_cohorts.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "initiative_id"],
            ["initiatives.tenant_id", "initiatives.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "employer_organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name="fk_participant_records_employer_organizations",
        ),
        CheckConstraint("exit_date IS NULL OR exit_date >= entry_date", name="exit_after_entry"),
        CheckConstraint(
            "NOT (employer_is_other AND employer_organization_id IS NOT NULL)",
            name="one_employer",
        ),
        CheckConstraint("hourly_wage_cents IS NULL OR hourly_wage_cents > 0", name="wage_positive"),
        CheckConstraint(
            "earnings_q2_cents IS NULL OR earnings_q2_cents >= 0", name="earnings_q2_not_negative"
        ),
        CheckConstraint(
            "earnings_q4_cents IS NULL OR earnings_q4_cents >= 0", name="earnings_q4_not_negative"
        ),
        Index(None, "tenant_id", "organization_id", "exit_date", "id"),
        Index(None, "tenant_id", "program_id"),
        Index(None, "tenant_id", "initiative_id"),
    )

    organization_id: Mapped[uuid.UUID]
    participant_identifier: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[uuid.UUID | None]
    cohort_id: Mapped[uuid.UUID | None]
    initiative_id: Mapped[uuid.UUID | None]
    entry_date: Mapped[date] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[ExitReason | None] = mapped_column(_enum(ExitReason, "exit_reason"))
    sex: Mapped[Sex | None] = mapped_column(_enum(Sex, "participant_sex"))
    hispanic_latino: Mapped[bool | None] = mapped_column(Boolean)
    american_indian_alaska_native: Mapped[bool | None] = mapped_column(Boolean)
    asian: Mapped[bool | None] = mapped_column(Boolean)
    black_african_american: Mapped[bool | None] = mapped_column(Boolean)
    native_hawaiian_pacific_islander: Mapped[bool | None] = mapped_column(Boolean)
    white: Mapped[bool | None] = mapped_column(Boolean)
    race_not_self_identified: Mapped[bool | None] = mapped_column(Boolean)
    age_band: Mapped[AgeBand | None] = mapped_column(_enum(AgeBand, "age_band"))
    veteran_status: Mapped[VeteranStatus | None] = mapped_column(
        _enum(VeteranStatus, "veteran_status")
    )
    barriers: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    training_service_type: Mapped[TrainingServiceType | None] = mapped_column(
        _enum(TrainingServiceType, "training_service_type")
    )
    training_completed: Mapped[bool | None] = mapped_column(Boolean)
    credential_1_type: Mapped[CredentialType | None] = mapped_column(
        _enum(CredentialType, "credential_type")
    )
    credential_1_on: Mapped[date | None] = mapped_column(Date)
    credential_2_type: Mapped[CredentialType | None] = mapped_column(
        _enum(CredentialType, "credential_type")
    )
    credential_2_on: Mapped[date | None] = mapped_column(Date)
    credential_3_type: Mapped[CredentialType | None] = mapped_column(
        _enum(CredentialType, "credential_type")
    )
    credential_3_on: Mapped[date | None] = mapped_column(Date)
    employed_q1: Mapped[EmploymentStatus | None] = mapped_column(
        _enum(EmploymentStatus, "employment_status")
    )
    employed_q2: Mapped[EmploymentStatus | None] = mapped_column(
        _enum(EmploymentStatus, "employment_status")
    )
    employed_q3: Mapped[EmploymentStatus | None] = mapped_column(
        _enum(EmploymentStatus, "employment_status")
    )
    employed_q4: Mapped[EmploymentStatus | None] = mapped_column(
        _enum(EmploymentStatus, "employment_status")
    )
    employer_organization_id: Mapped[uuid.UUID | None]
    employer_is_other: Mapped[bool] = mapped_column(Boolean, server_default="false")
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupations.soc_code"))
    hourly_wage_cents: Mapped[int | None] = mapped_column(Integer)
    earnings_q2_cents: Mapped[int | None] = mapped_column(BigInteger)
    earnings_q4_cents: Mapped[int | None] = mapped_column(BigInteger)
    is_related_to_training: Mapped[bool | None] = mapped_column(Boolean)
    same_employer_q2_q4: Mapped[bool | None] = mapped_column(Boolean)
    skill_gain_educational_functioning_level_on: Mapped[date | None] = mapped_column(Date)
    skill_gain_postsecondary_transcript_on: Mapped[date | None] = mapped_column(Date)
    skill_gain_secondary_transcript_on: Mapped[date | None] = mapped_column(Date)
    skill_gain_training_milestone_on: Mapped[date | None] = mapped_column(Date)
    skill_gain_skills_progression_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class OutcomeTarget(TenantScoped, Base):
    """What an initiative sets out to reach on one metric in one period.

    ``metric`` is a metric definition's name (``definitions.MetricName``); ``period`` its
    label (``periods``: ``2026Q1``, ``PY2025``, ``2026``), ``starts_on``/``ends_on`` the
    dates it spans (inclusive). ``target``: a count of people, a rate as a fraction from 0
    to 1, or whole cents (a median wage or earnings, a cost), by the metric's kind.
    """

    __tablename__ = "outcome_targets"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "initiative_id"],
            ["initiatives.tenant_id", "initiatives.id"],
        ),
        UniqueConstraint("tenant_id", "initiative_id", "metric", "period"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("target >= 0", name="target_not_negative"),
        Index(None, "tenant_id", "initiative_id", "starts_on", "id"),
    )

    initiative_id: Mapped[uuid.UUID]
    metric: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    target: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class CountDimension(enum.StrEnum):
    """Which breakdown an aggregate count's row belongs to: TOTAL (no breakdown,
    ``dimension_value`` empty) or one of the equity dimensions."""

    TOTAL = "TOTAL"
    SEX = "SEX"
    RACE_ETHNICITY = "RACE_ETHNICITY"
    AGE_BAND = "AGE_BAND"
    VETERAN = "VETERAN"
    BARRIER = "BARRIER"


class AggregateCount(TenantScoped, Base):
    """A reporting member's counts of people for one quarter, for members that keep no
    person-level records: one row per breakdown cell (``dimension``, ``dimension_value``),
    the TOTAL row carrying the whole. Optional ``program_id`` and ``initiative_id``
    narrow what the counts are of. The same key reported again replaces the counts.

    ``served``: participants served during the quarter; ``exited``: of them, those who
    exited in it; ``completed``, ``credentialed``, ``placed``: of those who exited, how
    many completed training, earned a recognized credential, and entered employment.
    """

    __tablename__ = "aggregate_counts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "initiative_id"],
            ["initiatives.tenant_id", "initiatives.id"],
        ),
        UniqueConstraint(
            "tenant_id",
            "organization_id",
            "program_id",
            "initiative_id",
            "quarter_starts_on",
            "dimension",
            "dimension_value",
            name="uq_aggregate_counts_cell",
            postgresql_nulls_not_distinct=True,
        ),
        CheckConstraint(
            "extract(day FROM quarter_starts_on) = 1 "
            "AND extract(month FROM quarter_starts_on) IN (1, 4, 7, 10)",
            name="quarter_start",
        ),
        CheckConstraint("served >= 0 AND exited >= 0", name="counts_not_negative"),
        CheckConstraint("exited <= served", name="exited_of_served"),
        CheckConstraint(
            "completed >= 0 AND completed <= exited AND credentialed >= 0 "
            "AND credentialed <= exited AND placed >= 0 AND placed <= exited",
            name="outcomes_of_exited",
        ),
        Index(None, "tenant_id", "organization_id", "quarter_starts_on", "id"),
        Index(None, "tenant_id", "initiative_id", "quarter_starts_on"),
    )

    organization_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID | None]
    initiative_id: Mapped[uuid.UUID | None]
    quarter_starts_on: Mapped[date] = mapped_column(Date)
    dimension: Mapped[CountDimension] = mapped_column(_enum(CountDimension, "count_dimension"))
    dimension_value: Mapped[str] = mapped_column(String(40), server_default="")
    served: Mapped[int] = mapped_column(Integer)
    exited: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    credentialed: Mapped[int] = mapped_column(Integer)
    placed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class OutcomeDataVersion(TenantScoped, Base):
    """A number that grows whenever a participant record or an aggregate count of the
    partnership changes (a trigger of migration 0014 sets it from a sequence): the key
    under which computed outcome figures may be remembered. One row per partnership."""

    __tablename__ = "outcome_data_versions"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    version: Mapped[int] = mapped_column(BigInteger)


__all__ = [
    "MAX_CREDENTIALS",
    "RACES",
    "SKILL_GAIN_COLUMNS",
    "AgeBand",
    "AggregateCount",
    "Barrier",
    "CountDimension",
    "CredentialType",
    "EmploymentStatus",
    "ExitReason",
    "OutcomeDataVersion",
    "OutcomeTarget",
    "ParticipantRecord",
    "Sex",
    "SkillGainType",
    "TrainingServiceType",
    "VeteranStatus",
]
