"""The demand domain's enums as GraphQL sees them, each value described.

Imported by every demand GraphQL module before it names an enum: strawberry
must meet the described enum first, or it builds an undescribed twin.
"""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.demand import models
from coalition.demand.figures import EmployerBand
from coalition.demand.questions import DemandDimension

expose_enum(
    models.SharingLevel,
    name="SharingLevel",
    description="Who may see a demand signal.",
    values={
        models.SharingLevel.PRIVATE: "Only the employer's own people; never counted in pooled "
        "demand.",
        models.SharingLevel.POOLED: "Counted in pooled demand; its details are seen only by the "
        "employer's own people and partnership admins.",
        models.SharingLevel.NAMED: "Seen with the employer's name by every member of the "
        "partnership and by partner apps with the demand:read scope.",
    },
)
expose_enum(
    models.DemandStatus,
    name="DemandStatus",
    description="Where a demand signal stands. FILLED and WITHDRAWN are final.",
    values={
        models.DemandStatus.DRAFT: "Being written: seen only by the employer's own people; may "
        "become ACTIVE or WITHDRAWN.",
        models.DemandStatus.ACTIVE: "Current demand; may become FILLED or WITHDRAWN.",
        models.DemandStatus.FILLED: "The openings were filled (final).",
        models.DemandStatus.WITHDRAWN: "The employer no longer expects these openings (final).",
    },
)
expose_enum(
    models.OpeningsKind,
    name="OpeningsKind",
    description="Why the openings exist.",
    values={
        models.OpeningsKind.GROWTH: "New positions: the employer is growing.",
        models.OpeningsKind.REPLACEMENT: "Existing positions: people retiring or leaving.",
    },
)
expose_enum(
    models.WageUnit,
    name="WageUnit",
    description="What period a wage is for.",
    values={
        models.WageUnit.HOUR: "Per hour.",
        models.WageUnit.YEAR: "Per year.",
    },
)
expose_enum(
    models.WorkBasedLearning,
    name="WorkBasedLearning",
    description="Work-based learning an employer will host.",
    values={
        models.WorkBasedLearning.REGISTERED_APPRENTICESHIP: "A registered apprenticeship.",
        models.WorkBasedLearning.PRE_APPRENTICESHIP: "A pre-apprenticeship program.",
        models.WorkBasedLearning.ON_THE_JOB_TRAINING: "On-the-job training for new hires.",
        models.WorkBasedLearning.INTERNSHIP: "Internships.",
        models.WorkBasedLearning.EARN_AND_LEARN: "Paid work combined with classes.",
        models.WorkBasedLearning.NONE: "None.",
    },
)
expose_enum(
    DemandDimension,
    name="DemandDimension",
    description="A way to break pooled demand down.",
    values={
        DemandDimension.OCCUPATION: "By occupation (SOC 2018 detailed code).",
        DemandDimension.MAJOR_GROUP: "By the occupation's SOC major group (e.g. 51-0000).",
        DemandDimension.SKILL: "By required skill; a signal counts once in each of its "
        "skills' cells, so these cells overlap and do not add up to the total.",
        DemandDimension.QUARTER: "By the quarter the signal's horizon starts (e.g. 2027Q1).",
        DemandDimension.WORK_BASED_LEARNING: "By work-based learning hosted; a signal counts "
        "in each kind it hosts, or in NONE.",
        DemandDimension.DEGREE_REQUIRED: "By whether a degree is required.",
    },
)
expose_enum(
    EmployerBand,
    name="EmployerCountBand",
    description="How many employers stand behind a pooled number, as a band (an exact "
    "count would confirm when one employer joins or leaves).",
    values={
        EmployerBand.FEWER_THAN_5: "Fewer than five.",
        EmployerBand.FROM_5_TO_9: "Five to nine.",
        EmployerBand.FROM_10_TO_19: "Ten to nineteen.",
        EmployerBand.AT_LEAST_20: "Twenty or more.",
    },
)
