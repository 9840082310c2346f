"""The CTDL JSON-LD of a program: its exact shape, and what is left out when unknown."""

from __future__ import annotations

import uuid

from coalition.supply.ctdl import CONTEXT, Coded, graph, learning_program
from coalition.supply.models import CredentialKind, Modality, ProgramStatus, TrainingProgram

PROGRAM_ID = uuid.UUID("8d2c6a4e-3f1b-4c55-9a0e-7b1d2e3f4a5b")
CTID = "ce-0b6f3c2a-1d4e-4f5a-8b9c-0d1e2f3a4b5c"


def _program(**overrides: object) -> TrainingProgram:
    fields: dict[str, object] = {
        "id": PROGRAM_ID,
        "tenant_id": uuid.uuid4(),
        "organization_id": uuid.uuid4(),
        "name": "CNC Machining Certificate",
        "description": "Setup and operation of CNC mills and lathes.",
        "cip_code": "48.0501",
        "credential_kind": CredentialKind.INDUSTRY_CERTIFICATION,
        "credential_name": "NIMS Machining Level I",
        "credential_ctid": CTID,
        "hours": 320,
        "weeks": 16,
        "cost_minor": 325050,
        "currency": "USD",
        "modality": Modality.HYBRID,
        "status": ProgramStatus.ACTIVE,
    }
    return TrainingProgram(**(fields | overrides))


def test_a_program_is_a_learning_program_with_its_credential_cip_and_soc() -> None:
    document = learning_program(
        _program(),
        provider_name="Riverbend Community College",
        occupations=[Coded("51-4041", "Machinists"), Coded("51-9161", None)],
        cip_title="Machine Tool Technology/Machinist.",
    )

    en = "en-US"
    assert document == {
        "@context": "https://credreg.net/ctdl/schema/context/json",
        "@id": f"urn:uuid:{PROGRAM_ID}",
        "@type": "ceterms:LearningProgram",
        "ceterms:name": {en: "CNC Machining Certificate"},
        "ceterms:description": {en: "Setup and operation of CNC mills and lathes."},
        "ceterms:instructionalProgramType": [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:framework": "https://nces.ed.gov/ipeds/cipcode/",
                "ceterms:frameworkName": {
                    en: "Classification of Instructional Programs (CIP 2020)"
                },
                "ceterms:codedNotation": "48.0501",
                "ceterms:targetNodeName": {en: "Machine Tool Technology/Machinist."},
            }
        ],
        "ceterms:occupationType": [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:framework": "https://www.bls.gov/soc/2018/",
                "ceterms:frameworkName": {en: "Standard Occupational Classification (SOC 2018)"},
                "ceterms:codedNotation": "51-4041",
                "ceterms:targetNodeName": {en: "Machinists"},
            },
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:framework": "https://www.bls.gov/soc/2018/",
                "ceterms:frameworkName": {en: "Standard Occupational Classification (SOC 2018)"},
                "ceterms:codedNotation": "51-9161",
            },
        ],
        "ceterms:isPreparationFor": [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": {en: "Completing the program earns this credential."},
                "ceterms:targetCredential": [
                    {
                        "@type": "ceterms:Certification",
                        "ceterms:name": {en: "NIMS Machining Level I"},
                        "ceterms:ctid": CTID,
                    }
                ],
            }
        ],
        "ceterms:estimatedDuration": [
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:exactDuration": "P16W",
                "ceterms:description": {en: "16 weeks"},
            },
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:exactDuration": "PT320H",
                "ceterms:description": {en: "320 hours of instruction"},
            },
        ],
        "ceterms:estimatedCost": [
            {
                "@type": "ceterms:CostProfile",
                "ceterms:description": {en: "Cost to the learner."},
                "ceterms:price": 3250.5,
                "ceterms:currency": "USD",
            }
        ],
        "ceterms:deliveryType": [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:targetNode": "deliveryType:BlendedDelivery",
                "ceterms:targetNodeName": {en: "Blended Delivery"},
            }
        ],
        "ceterms:lifeCycleStatusType": {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": "lifeCycle:Active",
            "ceterms:targetNodeName": {en: "Active"},
        },
        "ceterms:offeredBy": [
            {
                "@type": "ceterms:CredentialOrganization",
                "ceterms:name": {en: "Riverbend Community College"},
            }
        ],
    }
    # The program itself carries no CTID: the one given is the credential's.
    assert "ceterms:ctid" not in document


def test_each_credential_kind_has_its_ctdl_class_and_none_has_no_credential() -> None:
    classes = {
        kind: learning_program(_program(credential_kind=kind), provider_name="P")
        .get("ceterms:isPreparationFor", [{}])[0]
        .get("ceterms:targetCredential", [{}])[0]
        .get("@type")
        for kind in CredentialKind
    }

    assert classes == {
        CredentialKind.CERTIFICATE: "ceterms:Certificate",
        CredentialKind.INDUSTRY_CERTIFICATION: "ceterms:Certification",
        CredentialKind.OCCUPATIONAL_LICENSE: "ceterms:License",
        CredentialKind.ASSOCIATE_DEGREE: "ceterms:AssociateDegree",
        CredentialKind.APPRENTICESHIP_CERTIFICATE: "ceterms:ApprenticeshipCertificate",
        CredentialKind.NONE: None,
    }


def test_unknown_parts_are_left_out_not_invented() -> None:
    document = learning_program(
        _program(
            description="",
            credential_name=None,
            credential_ctid=None,
            hours=None,
            weeks=None,
            cost_minor=None,
            modality=Modality.IN_PERSON,
            status=ProgramStatus.DISCONTINUED,
        ),
        provider_name="P",
        with_context=False,
    )

    assert "@context" not in document
    for term in (
        "ceterms:description",
        "ceterms:occupationType",
        "ceterms:estimatedDuration",
        "ceterms:estimatedCost",
    ):
        assert term not in document
    assert document["ceterms:isPreparationFor"][0]["ceterms:targetCredential"] == [
        {"@type": "ceterms:Certification"}
    ]
    assert document["ceterms:deliveryType"][0]["ceterms:targetNode"] == "deliveryType:InPerson"
    assert document["ceterms:lifeCycleStatusType"]["ceterms:targetNode"] == "lifeCycle:Ceased"
    assert graph([document]) == {"@context": CONTEXT, "@graph": [document]}
