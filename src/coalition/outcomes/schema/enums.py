"""The outcomes domain's enums as GraphQL sees them, each value described with its PIRL
code. Imported by every outcomes GraphQL module before it names an enum."""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.outcomes import models as m
from coalition.outcomes.metric_names import DESCRIPTIONS, MetricKind, MetricName

expose_enum(
    m.Sex,
    name="ParticipantSex",
    description="PIRL 201: sex as the participant reported it.",
    values={
        m.Sex.MALE: "1: male.",
        m.Sex.FEMALE: "2: female.",
        m.Sex.NOT_DISCLOSED: "9: did not self-identify.",
    },
)
expose_enum(
    m.AgeBand,
    name="AgeBand",
    description="Age at program entry as a band (the PIRL's birth date, 200, is never stored).",
    values={
        m.AgeBand.UNDER_18: "Under 18.",
        m.AgeBand.AGE_18_24: "18 to 24.",
        m.AgeBand.AGE_25_34: "25 to 34.",
        m.AgeBand.AGE_35_44: "35 to 44.",
        m.AgeBand.AGE_45_54: "45 to 54.",
        m.AgeBand.AGE_55_64: "55 to 64.",
        m.AgeBand.AGE_65_PLUS: "65 or older.",
    },
)
expose_enum(
    m.VeteranStatus,
    name="VeteranStatus",
    description="PIRL 301: eligible veteran status.",
    values={
        m.VeteranStatus.NO: "0: not a veteran.",
        m.VeteranStatus.VETERAN: "1 or 2: an eligible veteran.",
        m.VeteranStatus.ELIGIBLE_SPOUSE: "3: the eligible spouse of a veteran.",
        m.VeteranStatus.NOT_DISCLOSED: "Did not say.",
    },
)
expose_enum(
    m.ExitReason,
    name="ExitReason",
    description="PIRL 923: other reasons for exit (any but NONE_OF_THESE takes the person "
    "out of the WIOA indicators' cohorts).",
    values={
        m.ExitReason.NONE_OF_THESE: "00: none of the reasons below.",
        m.ExitReason.INSTITUTIONALIZED: "01: institutionalized.",
        m.ExitReason.HEALTH_MEDICAL: "02: health or medical.",
        m.ExitReason.DECEASED: "03: deceased.",
        m.ExitReason.RESERVE_FORCES_ACTIVE_DUTY: "04: reserve forces called to active duty.",
        m.ExitReason.FOSTER_CARE_RELOCATION: "05: moved with the foster care system (youth).",
        m.ExitReason.INELIGIBLE: "06: found ineligible (youth).",
        m.ExitReason.CRIMINAL_OFFENDER: "07: criminal offender (youth).",
    },
)
expose_enum(
    m.Barrier,
    name="BarrierToEmployment",
    description="A barrier to employment of the WIOA list.",
    values={
        m.Barrier.LOW_INCOME: "Low income.",
        m.Barrier.ENGLISH_LEARNER: "English language learner.",
        m.Barrier.BASIC_SKILLS_DEFICIENT: "Basic skills deficient.",
        m.Barrier.EX_OFFENDER: "Ex-offender.",
        m.Barrier.HOMELESS: "Homeless.",
        m.Barrier.LONG_TERM_UNEMPLOYED: "Long-term unemployed (27 weeks or more).",
        m.Barrier.SINGLE_PARENT: "Single parent (pregnant women included).",
        m.Barrier.DISABILITY: "Individual with a disability.",
        m.Barrier.FOSTER_CARE: "In or aged out of foster care.",
        m.Barrier.DISPLACED_HOMEMAKER: "Displaced homemaker.",
        m.Barrier.CULTURAL_BARRIERS: "Cultural barriers.",
        m.Barrier.EXHAUSTING_TANF: "Within two years of exhausting TANF.",
    },
)
expose_enum(
    m.CredentialType,
    name="RecognizedCredentialType",
    description="PIRL 1800 (1802, 1804): type of recognized credential.",
    values={
        m.CredentialType.SECONDARY_DIPLOMA: "1: secondary school diploma or equivalency.",
        m.CredentialType.ASSOCIATE_DEGREE: "2: associate degree.",
        m.CredentialType.BACHELORS_DEGREE: "3: bachelor's degree.",
        m.CredentialType.OCCUPATIONAL_LICENSURE: "4: occupational licensure.",
        m.CredentialType.OCCUPATIONAL_CERTIFICATE: "5: occupational certificate "
        "(registered apprenticeship and career and technical education included).",
        m.CredentialType.OCCUPATIONAL_CERTIFICATION: "6: occupational certification.",
        m.CredentialType.OTHER_RECOGNIZED: "7: other recognized diploma, degree or certificate.",
    },
)
expose_enum(
    m.SkillGainType,
    name="SkillGainType",
    description="A type of measurable skill gain (PIRL 1806-1810).",
    values={
        m.SkillGainType.EDUCATIONAL_FUNCTIONING_LEVEL: "1806: an educational "
        "functioning level gained.",
        m.SkillGainType.POSTSECONDARY_TRANSCRIPT: "1807: a postsecondary "
        "transcript or report card.",
        m.SkillGainType.SECONDARY_TRANSCRIPT: "1808: a secondary transcript or report card.",
        m.SkillGainType.TRAINING_MILESTONE: "1809: a training milestone.",
        m.SkillGainType.SKILLS_PROGRESSION: "1810: a skills progression.",
    },
)
expose_enum(
    m.TrainingServiceType,
    name="TrainingServiceType",
    description="PIRL 1303: type of training service #1 (code 00, none, is null).",
    values={
        m.TrainingServiceType.OCCUPATIONAL_SKILLS: "01: occupational skills training.",
        m.TrainingServiceType.ON_THE_JOB: "02: on-the-job training (OJT).",
        m.TrainingServiceType.SKILL_UPGRADING: "03: skill upgrading and retraining.",
        m.TrainingServiceType.ENTREPRENEURIAL: "04: entrepreneurial training.",
        m.TrainingServiceType.ADULT_EDUCATION_COMBINED: "05: adult basic education or English "
        "language acquisition combined with training.",
        m.TrainingServiceType.CUSTOMIZED: "06: customized training.",
        m.TrainingServiceType.OTHER_OCCUPATIONAL_SKILLS: "07: other occupational skills training.",
        m.TrainingServiceType.PREREQUISITE: "08: prerequisite training.",
        m.TrainingServiceType.REGISTERED_APPRENTICESHIP: "09: registered apprenticeship.",
        m.TrainingServiceType.YOUTH_OCCUPATIONAL_SKILLS: "10: youth occupational skills training.",
        m.TrainingServiceType.OTHER_NON_OCCUPATIONAL: "11: other non-occupational skills training.",
    },
)
expose_enum(
    m.EmploymentStatus,
    name="QuarterEmployment",
    description="Employment in a quarter after the exit quarter (PIRL 1600, 1602, 1604, 1606).",
    values={
        m.EmploymentStatus.EMPLOYED: "1-3: employed (UI wage records, federal or military "
        "employment, or supplemental data).",
        m.EmploymentStatus.NOT_EMPLOYED: "0: not employed.",
        m.EmploymentStatus.UNKNOWN: "9: not known yet.",
    },
)
expose_enum(
    MetricName,
    name="OutcomeMetric",
    description="An outcome metric, named by its standard definition.",
    values=DESCRIPTIONS,
)
expose_enum(
    MetricKind,
    name="OutcomeMetricKind",
    description="What a metric's value is, and so the unit of its targets.",
    values={
        MetricKind.COUNT: "A number of people (a whole number).",
        MetricKind.RATE: "A share of people, as a fraction from 0 to 1.",
        MetricKind.MONEY: "An amount of money in US dollars (kept in cents).",
    },
)
expose_enum(
    m.CountDimension,
    name="CountDimension",
    description="Which breakdown a row of aggregate counts belongs to.",
    values={
        m.CountDimension.TOTAL: "Everyone (no breakdown): the row's value is empty.",
        m.CountDimension.SEX: "By sex (a ParticipantSex value).",
        m.CountDimension.RACE_ETHNICITY: "By race and ethnicity (PIRL 210-216: HISPANIC_LATINO, "
        "AMERICAN_INDIAN_ALASKA_NATIVE, ASIAN, BLACK_AFRICAN_AMERICAN, "
        "NATIVE_HAWAIIAN_PACIFIC_ISLANDER, WHITE or NOT_SELF_IDENTIFIED); a person may count "
        "in several.",
        m.CountDimension.AGE_BAND: "By age at entry (an AgeBand value).",
        m.CountDimension.VETERAN: "By veteran status (a VeteranStatus value).",
        m.CountDimension.BARRIER: "By barrier to employment (a BarrierToEmployment value); a "
        "person may count in several.",
    },
)
