"""Tables of the shared vocabulary: occupations, skills, industries, programs.

Every table here is global reference data (no tenant_id; the API role may only
read it; Citus makes each a reference table) except ``essential_skill_overrides``,
a partnership's own examples for the essential skills framework.

Search indexes are PostgreSQL full-text GIN indexes over
``to_tsvector('simple', ...)``. Not trigrams: pg_trgm is an extension that is
not installed everywhere and that a non-superuser often cannot create. Not the
``english`` configuration: prefix matching runs against stems, and a partial
word does not match its stem ("assistan:*" misses "assist", the stem of
"Assistants"); ``simple`` keeps each word whole, so any typed prefix matches.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class SkillKind(enum.StrEnum):
    ESSENTIAL = "ESSENTIAL"
    TECHNICAL = "TECHNICAL"
    KNOWLEDGE = "KNOWLEDGE"


GROUP_LEVELS = ("Major", "Minor", "Broad")
INDUSTRY_LEVELS = ("Sector", "Subsector", "Industry Group", "NAICS Industry", "National Industry")


def _search_index(table: str, column: str) -> Index:
    return Index(
        f"ix_{table}_{column}_search",
        func.to_tsvector(literal_column("'simple'::regconfig"), literal_column(column)),
        postgresql_using="gin",
    )


class OccupationGroup(Base):
    """A SOC 2018 major, minor or broad group (e.g. 51-0000 Production Occupations)."""

    __tablename__ = "occupation_groups"
    __table_args__ = (
        CheckConstraint(
            "level IN ('Major', 'Minor', 'Broad')", name="level_is_major_minor_or_broad"
        ),
    )

    code: Mapped[str] = mapped_column(String(7), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(5))


class Occupation(Base):
    """A SOC 2018 detailed occupation, with its parents (taken from the BLS hierarchy)."""

    __tablename__ = "occupations"
    __table_args__ = (_search_index("occupations", "title"),)

    soc_code: Mapped[str] = mapped_column(String(7), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str | None] = mapped_column(Text)
    major_code: Mapped[str] = mapped_column(ForeignKey("occupation_groups.code"))
    minor_code: Mapped[str] = mapped_column(ForeignKey("occupation_groups.code"))
    broad_code: Mapped[str] = mapped_column(ForeignKey("occupation_groups.code"))


class OnetOccupation(Base):
    """An O*NET-SOC occupation (``51-4041.00``); its first 7 characters are its SOC code."""

    __tablename__ = "onet_occupations"
    __table_args__ = (
        Index(None, "soc_code"),
        _search_index("onet_occupations", "title"),
    )

    onet_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    soc_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class OccupationAlias(Base):
    """A BLS direct-match job title: a search alias for one SOC occupation."""

    __tablename__ = "occupation_aliases"
    __table_args__ = (
        UniqueConstraint("soc_code", "title"),
        _search_index("occupation_aliases", "title"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    soc_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))
    title: Mapped[str] = mapped_column(String(200))
    is_illustrative: Mapped[bool] = mapped_column(Boolean, server_default="false")


class Skill(Base):
    """A skill of any kind; ``examples`` is filled only for the essential skills framework."""

    __tablename__ = "skills"
    __table_args__ = (_search_index("skills", "name"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[SkillKind] = mapped_column(
        Enum(SkillKind, name="skill_kind", native_enum=False, length=20, validate_strings=True)
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(200))
    onet_element_id: Mapped[str | None] = mapped_column(String(20))
    osn_rsd_uri: Mapped[str | None] = mapped_column(String(2048))
    lightcast_id: Mapped[str | None] = mapped_column(String(64))
    examples: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")


class OccupationSkillRating(Base):
    """O*NET importance (1-5) and level (0-7) of one skill for one O*NET occupation."""

    __tablename__ = "occupation_skill_ratings"
    __table_args__ = (Index(None, "skill_id"),)

    onet_code: Mapped[str] = mapped_column(
        ForeignKey("onet_occupations.onet_code"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    importance: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    level: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    is_suppressed_recommended: Mapped[bool] = mapped_column(Boolean, server_default="false")
    is_not_relevant: Mapped[bool] = mapped_column(Boolean, server_default="false")
    updated: Mapped[str | None] = mapped_column(String(7))


class Industry(Base):
    """A NAICS 2022 code, 2 to 6 digits; three sectors are ranges (``31-33``)."""

    __tablename__ = "industries"
    __table_args__ = (
        CheckConstraint(
            "level IN ('Sector', 'Subsector', 'Industry Group', 'NAICS Industry', "
            "'National Industry')",
            name="level_is_a_naics_level",
        ),
    )

    naics_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))


class InstructionalProgram(Base):
    """An active CIP 2020 code (2-digit family, 4-digit series or 6-digit program)."""

    __tablename__ = "instructional_programs"

    cip_code: Mapped[str] = mapped_column(String(7), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))


class ProgramOccupation(Base):
    """One pair of the NCES CIP 2020 to SOC 2018 crosswalk (expert judgement, not outcomes)."""

    __tablename__ = "program_occupations"
    __table_args__ = (Index(None, "soc_code"),)

    cip_code: Mapped[str] = mapped_column(
        ForeignKey("instructional_programs.cip_code"), primary_key=True
    )
    soc_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"), primary_key=True)


class EssentialSkillOverride(TenantScoped, Base):
    """A partnership's own examples for one essential skill, replacing the base ones."""

    __tablename__ = "essential_skill_overrides"
    __table_args__ = (UniqueConstraint("tenant_id", "skill_id"),)

    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    examples: Mapped[list[str]] = mapped_column(ARRAY(Text))
    updated_at: Mapped[Timestamp]


__all__ = [
    "GROUP_LEVELS",
    "INDUSTRY_LEVELS",
    "EssentialSkillOverride",
    "Industry",
    "InstructionalProgram",
    "Occupation",
    "OccupationAlias",
    "OccupationGroup",
    "OccupationSkillRating",
    "OnetOccupation",
    "ProgramOccupation",
    "Skill",
    "SkillKind",
]
