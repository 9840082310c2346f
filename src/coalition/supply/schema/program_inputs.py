# mypy: disable-error-code="untyped-decorator"
"""GraphQL inputs of training programs (create, update, set status, filter), and their
translation into the service's fields."""

from __future__ import annotations

from typing import Any

import strawberry

from coalition.api.money import MoneyInput
from coalition.demand.models import WorkBasedLearning
from coalition.supply import models
from coalition.supply.schema import enums  # noqa: F401  (describes the enums before use)


@strawberry.input(description="A skill a program teaches, and to which level.")
class ProgramSkillInput:
    skill_id: strawberry.ID = strawberry.field(
        description="The skill's ID: an O*NET element ID (2.B.3.h) or ES.<name>."
    )
    level: int = strawberry.field(description="Level taught, 1 (basic) to 4 (expert).")


@strawberry.input(description="The credential a program's completers earn.")
class CredentialInput:
    kind: models.CredentialKind = strawberry.field(description="What kind of credential.")
    name: str | None = strawberry.field(
        default=None,
        description="Its name, e.g. AWS Certified Welder (at most 200 characters); none with "
        "kind NONE.",
    )
    ctid: str | None = strawberry.field(
        default=None,
        description="Its Credential Engine CTID: ce- and a lowercase UUID; none with kind NONE.",
    )


@strawberry.input(description="Which training programs to list: every criterion given must hold.")
class TrainingProgramFilter:
    cip_code: str | None = strawberry.field(
        default=None,
        description="A CIP 2020 code: a 6-digit program (48.0501), or a 2- or 4-digit family "
        "or series (48, 48.05) for every program under it.",
    )
    occupation_code: str | None = strawberry.field(
        default=None, description="Only programs that prepare for this SOC occupation."
    )
    skill_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only programs that teach this skill (at any level)."
    )
    modality: models.Modality | None = strawberry.field(
        default=None, description="Only programs taught this way."
    )
    schedule: models.Schedule | None = strawberry.field(
        default=None, description="Only programs offered on this schedule."
    )
    supports: list[models.Support] | None = strawberry.field(
        default=None, description="Only programs that offer all of these supports."
    )
    provider_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this provider organization's programs."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Words, each the start of a word of the name or description (weld cert).",
    )
    status: models.ProgramStatus | None = strawberry.field(
        default=None, description="Only programs in this status."
    )


@strawberry.input(description="A new training program.")
class CreateTrainingProgramInput:
    organization_id: strawberry.ID = strawberry.field(
        description="The provider: a training provider, education institution, worker "
        "organization (union) or community organization."
    )
    name: str = strawberry.field(description="Its name (at most 200 characters).")
    description: str = strawberry.field(
        default="", description="What it teaches, for learners (at most 5000 characters)."
    )
    cip_code: str = strawberry.field(description="Its CIP 2020 program code (6 digits: 48.0501).")
    occupation_codes: list[str] = strawberry.field(
        default_factory=list,
        description="SOC 2018 codes of the occupations it prepares for (at most 20, each once); "
        "suggestedOccupations(cipCode) proposes them.",
    )
    skills: list[ProgramSkillInput] = strawberry.field(
        default_factory=list, description="Skills it teaches with their levels (at most 30)."
    )
    credential: CredentialInput = strawberry.field(description="What completers earn.")
    hours: int | None = strawberry.field(
        default=None, description="Length in hours of instruction, 1 to 10000."
    )
    weeks: int | None = strawberry.field(default=None, description="Length in weeks, 1 to 520.")
    cost: MoneyInput | None = strawberry.field(
        default=None, description="Cost to the learner, in cents: 250000 is $2,500.00 (0: free)."
    )
    modality: models.Modality = strawberry.field(description="In person, online or hybrid.")
    schedules: list[models.Schedule] = strawberry.field(
        default_factory=list, description="When classes meet."
    )
    work_based_learning: list[WorkBasedLearning] = strawberry.field(
        default_factory=list, description="Work-based learning it includes."
    )
    supports: list[models.Support] = strawberry.field(
        default_factory=list, description="Supports it offers learners."
    )
    is_eligible_training_provider: bool = strawberry.field(
        default=False,
        description="Whether it is on the state's Eligible Training Provider List (WIOA ETPL).",
    )
    external_id: str | None = strawberry.field(
        default=None,
        description="The provider's own ID for it (at most 100 characters), unique among its "
        "programs.",
    )
    status: models.ProgramStatus = strawberry.field(
        default=models.ProgramStatus.ACTIVE, description="DRAFT or ACTIVE (default ACTIVE)."
    )


@strawberry.input(description="Changes to a training program: omitted fields stay, null clears.")
class UpdateTrainingProgramInput:
    id: strawberry.ID = strawberry.field(description="The program.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Its name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it teaches."
    )
    cip_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="Its CIP 2020 program code."
    )
    occupation_codes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Target occupations: replaces the whole set."
    )
    skills: list[ProgramSkillInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Skills taught: replaces the whole set."
    )
    credential: CredentialInput | None = strawberry.field(
        default=strawberry.UNSET, description="What completers earn: replaces kind, name, CTID."
    )
    hours: int | None = strawberry.field(default=strawberry.UNSET, description="Length in hours.")
    weeks: int | None = strawberry.field(default=strawberry.UNSET, description="Length in weeks.")
    cost: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="Cost to the learner, in cents; null clears it."
    )
    modality: models.Modality | None = strawberry.field(
        default=strawberry.UNSET, description="In person, online or hybrid."
    )
    schedules: list[models.Schedule] | None = strawberry.field(
        default=strawberry.UNSET, description="When classes meet: replaces the list."
    )
    work_based_learning: list[WorkBasedLearning] | None = strawberry.field(
        default=strawberry.UNSET, description="Work-based learning: replaces the list."
    )
    supports: list[models.Support] | None = strawberry.field(
        default=strawberry.UNSET, description="Supports offered: replaces the list."
    )
    is_eligible_training_provider: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether it is on the state's ETPL."
    )
    external_id: str | None = strawberry.field(
        default=strawberry.UNSET, description="The provider's own ID for it; null clears it."
    )


@strawberry.input(description="The program whose status to set, and the status.")
class SetTrainingProgramStatusInput:
    id: strawberry.ID = strawberry.field(description="The program.")
    status: models.ProgramStatus = strawberry.field(
        description="DRAFT may become ACTIVE or DISCONTINUED; ACTIVE may become DISCONTINUED; "
        "DISCONTINUED may become ACTIVE again."
    )


# GraphQL input field name -> the service's field name.
FIELDS = {
    "name": "name",
    "description": "description",
    "cip_code": "cip_code",
    "occupation_codes": "occupation_codes",
    "skills": "skills",
    "credential": "credential",
    "hours": "hours",
    "weeks": "weeks",
    "cost": "cost",
    "modality": "modality",
    "schedules": "schedules",
    "work_based_learning": "work_based_learning",
    "supports": "supports",
    "is_eligible_training_provider": "is_etpl",
    "external_id": "external_id",
    "status": "status",
}


def _service_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "skills":
        return [(str(item.skill_id), item.level) for item in value]
    if name == "credential":
        return {"kind": value.kind, "name": value.name, "ctid": value.ctid}
    if name == "cost":
        return (value.amount_minor, value.currency)
    if isinstance(value, list):
        return list(value)
    return value


def program_fields(data: CreateTrainingProgramInput | UpdateTrainingProgramInput) -> dict[str, Any]:
    """The service's fields of the input: those given (an explicit null is given: it
    clears, or is refused for a required field)."""
    return {
        column: _service_value(name, getattr(data, name))
        for name, column in FIELDS.items()
        if getattr(data, name, strawberry.UNSET) is not strawberry.UNSET
    }


__all__ = [
    "CreateTrainingProgramInput",
    "CredentialInput",
    "ProgramSkillInput",
    "SetTrainingProgramStatusInput",
    "TrainingProgramFilter",
    "UpdateTrainingProgramInput",
    "program_fields",
]
