"""Training programs as linked data: CTDL (Credential Transparency Description Language)
JSON-LD, one ``ceterms:LearningProgram`` per program.

``learning_program`` is a plain function of a program and what it refers to (the
provider's name, its target occupations, its CIP title), so the GraphQL field and the
public listing build the same document. The terms, from the CTDL vocabulary:

- ``ceterms:name`` / ``ceterms:description``: language maps (``en-US``), as the CTDL
  context declares them.
- ``ceterms:ctid``: **not on the program.** A CTID identifies a resource published to the
  Credential Registry, and the programs here are not published there; the CTID a
  provider gives belongs to the *credential* the program leads to, so it is the
  credential's ``ceterms:ctid`` (giving the program the credential's CTID would say the
  two are one resource). The program's ``@id`` is ``urn:uuid:<its ID>``.
- ``ceterms:instructionalProgramType``: a ``ceterms:CredentialAlignmentObject`` with the CIP
  2020 code (``ceterms:codedNotation``), its title and framework.
- ``ceterms:occupationType``: one alignment per target occupation (SOC 2018).
- ``ceterms:isPreparationFor``: a ``ceterms:ConditionProfile`` whose
  ``ceterms:targetCredential`` is the credential (``ceterms:Certificate``,
  ``ceterms:Certification``, ``ceterms:License``, ``ceterms:AssociateDegree`` or
  ``ceterms:ApprenticeshipCertificate``) with its name and CTID; absent for NONE.
- ``ceterms:estimatedDuration``: ``ceterms:DurationProfile``s with ISO 8601 durations,
  ``P12W`` for weeks and ``PT120H`` for hours of instruction.
- ``ceterms:estimatedCost``: a ``ceterms:CostProfile`` (``ceterms:price`` in the currency's
  major unit, ``ceterms:currency``).
- ``ceterms:deliveryType``: ``deliveryType:InPerson``, ``deliveryType:OnlineOnly`` or
  ``deliveryType:BlendedDelivery``.
- ``ceterms:lifeCycleStatusType``: ``lifeCycle:Active``, ``lifeCycle:Developing`` (a DRAFT)
  or ``lifeCycle:Ceased`` (DISCONTINUED).
- ``ceterms:offeredBy``: the provider as a ``ceterms:CredentialOrganization`` (its name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coalition.money import to_major
from coalition.supply.models import CredentialKind, Modality, ProgramStatus, TrainingProgram

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
LANGUAGE = "en-US"
CIP_FRAMEWORK = "https://nces.ed.gov/ipeds/cipcode/"
CIP_FRAMEWORK_NAME = "Classification of Instructional Programs (CIP 2020)"
SOC_FRAMEWORK = "https://www.bls.gov/soc/2018/"
SOC_FRAMEWORK_NAME = "Standard Occupational Classification (SOC 2018)"

CREDENTIAL_TYPES = {
    CredentialKind.CERTIFICATE: "ceterms:Certificate",
    CredentialKind.INDUSTRY_CERTIFICATION: "ceterms:Certification",
    CredentialKind.OCCUPATIONAL_LICENSE: "ceterms:License",
    CredentialKind.ASSOCIATE_DEGREE: "ceterms:AssociateDegree",
    CredentialKind.APPRENTICESHIP_CERTIFICATE: "ceterms:ApprenticeshipCertificate",
}
DELIVERY_TYPES = {
    Modality.IN_PERSON: ("deliveryType:InPerson", "In Person Only"),
    Modality.ONLINE: ("deliveryType:OnlineOnly", "Online Only"),
    Modality.HYBRID: ("deliveryType:BlendedDelivery", "Blended Delivery"),
}
LIFE_CYCLE = {
    ProgramStatus.ACTIVE: ("lifeCycle:Active", "Active"),
    ProgramStatus.DRAFT: ("lifeCycle:Developing", "Developing"),
    ProgramStatus.DISCONTINUED: ("lifeCycle:Ceased", "Ceased"),
}


@dataclass(frozen=True)
class Coded:
    """A code and its title (None when unknown)."""

    code: str
    title: str | None = None


def _text(value: str) -> dict[str, str]:
    return {LANGUAGE: value}


def _alignment(framework: str, framework_name: str, coded: Coded) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": framework,
        "ceterms:frameworkName": _text(framework_name),
        "ceterms:codedNotation": coded.code,
    }
    if coded.title:
        node["ceterms:targetNodeName"] = _text(coded.title)
    return node


def _concept(term: str, name: str) -> dict[str, Any]:
    return {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:targetNode": term,
        "ceterms:targetNodeName": _text(name),
    }


def learning_program(
    program: TrainingProgram,
    *,
    provider_name: str,
    occupations: Sequence[Coded] = (),
    cip_title: str | None = None,
    with_context: bool = True,
) -> dict[str, Any]:
    """The program as a ``ceterms:LearningProgram`` JSON-LD object (with its ``@context``
    unless ``with_context`` is False, for a node of an ``@graph``)."""
    node: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    node |= {
        "@id": f"urn:uuid:{program.id}",
        "@type": "ceterms:LearningProgram",
        "ceterms:name": _text(program.name),
    }
    if program.description:
        node["ceterms:description"] = _text(program.description)
    node["ceterms:instructionalProgramType"] = [
        _alignment(CIP_FRAMEWORK, CIP_FRAMEWORK_NAME, Coded(program.cip_code, cip_title))
    ]
    if occupations:
        node["ceterms:occupationType"] = [
            _alignment(SOC_FRAMEWORK, SOC_FRAMEWORK_NAME, coded) for coded in occupations
        ]
    credential_type = CREDENTIAL_TYPES.get(program.credential_kind)
    if credential_type is not None:
        credential: dict[str, Any] = {"@type": credential_type}
        if program.credential_name:
            credential["ceterms:name"] = _text(program.credential_name)
        if program.credential_ctid:
            credential["ceterms:ctid"] = program.credential_ctid
        node["ceterms:isPreparationFor"] = [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": _text("Completing the program earns this credential."),
                "ceterms:targetCredential": [credential],
            }
        ]
    durations = []
    if program.weeks:
        durations.append(_duration(f"P{program.weeks}W", f"{program.weeks} weeks"))
    if program.hours:
        durations.append(_duration(f"PT{program.hours}H", f"{program.hours} hours of instruction"))
    if durations:
        node["ceterms:estimatedDuration"] = durations
    if program.cost_minor is not None:
        node["ceterms:estimatedCost"] = [
            {
                "@type": "ceterms:CostProfile",
                "ceterms:description": _text("Cost to the learner."),
                "ceterms:price": float(to_major(program.cost_minor, program.currency)),
                "ceterms:currency": program.currency,
            }
        ]
    node["ceterms:deliveryType"] = [_concept(*DELIVERY_TYPES[program.modality])]
    node["ceterms:lifeCycleStatusType"] = _concept(*LIFE_CYCLE[program.status])
    node["ceterms:offeredBy"] = [
        {"@type": "ceterms:CredentialOrganization", "ceterms:name": _text(provider_name)}
    ]
    return node


def _duration(iso: str, description: str) -> dict[str, Any]:
    return {
        "@type": "ceterms:DurationProfile",
        "ceterms:exactDuration": iso,
        "ceterms:description": _text(description),
    }


def graph(nodes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A JSON-LD document of ``nodes`` (built with ``with_context=False``) as an ``@graph``."""
    return {"@context": CONTEXT, "@graph": list(nodes)}


__all__ = ["CONTEXT", "Coded", "graph", "learning_program"]
