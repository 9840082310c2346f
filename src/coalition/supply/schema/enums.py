"""The supply domain's enums as GraphQL sees them, each value described.

Imported by every supply GraphQL module before it names an enum: strawberry must meet
the described enum first, or it builds an undescribed twin. Work-based learning is
demand's own ``WorkBasedLearning`` enum (a program offers the same kinds an employer
hosts), described by demand's schema, which is imported here for that.
"""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.demand.schema import enums as demand_enums  # noqa: F401  (WorkBasedLearning)
from coalition.supply import models

expose_enum(
    models.CredentialKind,
    name="CredentialKind",
    description="What a program's completers earn.",
    values={
        models.CredentialKind.CERTIFICATE: "A certificate of completion from the provider.",
        models.CredentialKind.INDUSTRY_CERTIFICATION: "An industry-recognized certification "
        "(e.g. AWS Certified Welder, NIMS).",
        models.CredentialKind.OCCUPATIONAL_LICENSE: "A license to practice from a state board "
        "(e.g. LPN).",
        models.CredentialKind.ASSOCIATE_DEGREE: "An associate degree.",
        models.CredentialKind.APPRENTICESHIP_CERTIFICATE: "A certificate of completion of a "
        "registered apprenticeship.",
        models.CredentialKind.NONE: "No credential.",
    },
)
expose_enum(
    models.Modality,
    name="TrainingModality",
    description="Where a program is taught.",
    values={
        models.Modality.IN_PERSON: "In person.",
        models.Modality.ONLINE: "Online.",
        models.Modality.HYBRID: "Partly in person, partly online.",
    },
)
expose_enum(
    models.Schedule,
    name="TrainingSchedule",
    description="When a program's classes meet.",
    values={
        models.Schedule.DAYTIME: "Weekday daytime.",
        models.Schedule.EVENING: "Evenings.",
        models.Schedule.WEEKEND: "Weekends.",
        models.Schedule.SELF_PACED: "At the learner's own pace.",
    },
)
expose_enum(
    models.Support,
    name="TrainingSupport",
    description="Help a program offers its learners.",
    values={
        models.Support.CHILDCARE: "Childcare.",
        models.Support.TRANSPORTATION: "Transportation (passes, rides, mileage).",
        models.Support.LANGUAGE_ACCESS: "Instruction or help in other languages.",
        models.Support.DISABILITY_ACCOMMODATION: "Accommodations for disabilities.",
        models.Support.STIPEND: "A stipend while training.",
        models.Support.PAID_WHILE_TRAINING: "Wages while training (earn and learn).",
    },
)
expose_enum(
    models.ProgramStatus,
    name="TrainingProgramStatus",
    description="Where a training program stands.",
    values={
        models.ProgramStatus.DRAFT: "Being written: seen only by the provider's own people and "
        "partnership admins; may become ACTIVE or DISCONTINUED.",
        models.ProgramStatus.ACTIVE: "Offered; seen by every member and programs:read app; may "
        "become DISCONTINUED.",
        models.ProgramStatus.DISCONTINUED: "No longer offered (takes no new cohorts); may be "
        "offered again (ACTIVE).",
    },
)
expose_enum(
    models.CohortStatus,
    name="CohortStatus",
    description="Where one run of a program stands. COMPLETED and CANCELLED are final.",
    values={
        models.CohortStatus.PLANNED: "Scheduled; may become ENROLLING, RUNNING or CANCELLED.",
        models.CohortStatus.ENROLLING: "Taking enrollments; may become RUNNING, CANCELLED or "
        "PLANNED again.",
        models.CohortStatus.RUNNING: "Under way; may become COMPLETED or CANCELLED.",
        models.CohortStatus.COMPLETED: "Finished (final).",
        models.CohortStatus.CANCELLED: "Called off; expects no completers (final).",
    },
)
