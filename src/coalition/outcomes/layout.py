"""The participant file's layout: each column's name and PIRL element number, and how
a cell is written and read.

A header may name a column by its name (``date_of_program_entry``) or its PIRL element
number (``900``), in any case: state systems export either. Columns without a PIRL
element (the member's program, cohort and initiative, the age band, the employer, the
hourly wage, whether training was completed) go by name only. Cells take the PIRL's
codes or the API's enum names; the type of training service's code 00 (none) is an
empty cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from coalition.outcomes.models import (
    AgeBand,
    CredentialType,
    EmploymentStatus,
    ExitReason,
    Sex,
    SkillGainType,
    TrainingServiceType,
    VeteranStatus,
)


@dataclass(frozen=True)
class Column:
    name: str
    pirl: str | None
    field: str


def _credential(n: int) -> list[Column]:
    return [
        Column(f"type_of_recognized_credential_{n}", str(1798 + 2 * n), f"credential_{n}_type"),
        Column(f"date_attained_recognized_credential_{n}", str(1799 + 2 * n), f"credential_{n}_on"),
    ]


COLUMNS: tuple[Column, ...] = (
    Column("participant_identifier", "100", "participant_identifier"),
    Column("program", None, "program_id"),
    Column("cohort_start", None, "cohort_id"),
    Column("initiative", None, "initiative_id"),
    Column("date_of_program_entry", "900", "entry_date"),
    Column("date_of_program_exit", "901", "exit_date"),
    Column("other_reasons_for_exit", "923", "exit_reason"),
    Column("sex", "201", "sex"),
    Column("ethnicity_hispanic_latino", "210", "hispanic_latino"),
    Column("american_indian_alaska_native", "211", "american_indian_alaska_native"),
    Column("asian", "212", "asian"),
    Column("black_african_american", "213", "black_african_american"),
    Column("native_hawaiian_pacific_islander", "214", "native_hawaiian_pacific_islander"),
    Column("white", "215", "white"),
    Column("did_not_self_identify_race", "216", "race_not_self_identified"),
    Column("age_band", None, "age_band"),
    Column("eligible_veteran_status", "301", "veteran_status"),
    Column("barriers", None, "barriers"),
    Column("type_of_training_service_1", "1303", "training_service_type"),
    Column("training_completed", None, "training_completed"),
    *_credential(1),
    *_credential(2),
    *_credential(3),
    Column(
        "date_msg_educational_functioning_level",
        "1806",
        "skill_gain_educational_functioning_level_on",
    ),
    Column("date_msg_postsecondary_transcript", "1807", "skill_gain_postsecondary_transcript_on"),
    Column("date_msg_secondary_transcript", "1808", "skill_gain_secondary_transcript_on"),
    Column("date_msg_training_milestone", "1809", "skill_gain_training_milestone_on"),
    Column("date_msg_skills_progression", "1810", "skill_gain_skills_progression_on"),
    Column("employed_1st_quarter_after_exit", "1600", "employed_q1"),
    Column("employed_2nd_quarter_after_exit", "1602", "employed_q2"),
    Column("employed_3rd_quarter_after_exit", "1604", "employed_q3"),
    Column("employed_4th_quarter_after_exit", "1606", "employed_q4"),
    Column("employer", None, "employer"),
    Column("occupational_code", "1610", "occupation_code"),
    Column("entered_training_related_employment", "1611", "is_related_to_training"),
    Column("retention_with_same_employer_2nd_and_4th_quarter", "1618", "same_employer_q2_q4"),
    Column("hourly_wage_at_placement", None, "hourly_wage_cents"),
    Column("wages_2nd_quarter_after_exit", "1704", "earnings_q2_cents"),
    Column("wages_4th_quarter_after_exit", "1706", "earnings_q4_cents"),
)
BY_HEADER: dict[str, Column] = {column.name: column for column in COLUMNS} | {
    column.pirl: column for column in COLUMNS if column.pirl
}
REQUIRED = ("participant_identifier", "date_of_program_entry")
BY_FIELD = {column.field: column for column in COLUMNS}
GAIN_COLUMNS = {
    SkillGainType.EDUCATIONAL_FUNCTIONING_LEVEL: "date_msg_educational_functioning_level",
    SkillGainType.POSTSECONDARY_TRANSCRIPT: "date_msg_postsecondary_transcript",
    SkillGainType.SECONDARY_TRANSCRIPT: "date_msg_secondary_transcript",
    SkillGainType.TRAINING_MILESTONE: "date_msg_training_milestone",
    SkillGainType.SKILLS_PROGRESSION: "date_msg_skills_progression",
}

TRAINING_SERVICE_CODES = {
    "01": TrainingServiceType.OCCUPATIONAL_SKILLS,
    "02": TrainingServiceType.ON_THE_JOB,
    "03": TrainingServiceType.SKILL_UPGRADING,
    "04": TrainingServiceType.ENTREPRENEURIAL,
    "05": TrainingServiceType.ADULT_EDUCATION_COMBINED,
    "06": TrainingServiceType.CUSTOMIZED,
    "07": TrainingServiceType.OTHER_OCCUPATIONAL_SKILLS,
    "08": TrainingServiceType.PREREQUISITE,
    "09": TrainingServiceType.REGISTERED_APPRENTICESHIP,
    "10": TrainingServiceType.YOUTH_OCCUPATIONAL_SKILLS,
    "11": TrainingServiceType.OTHER_NON_OCCUPATIONAL,
}
"""PIRL 1303's codes (written 01 to 11, or 1 to 11 as spreadsheets drop the zero)."""
# The PIRL's codes of each coded column (the enum names are accepted too).
CODES: dict[str, dict[str, object]] = {
    "exit_reason": {
        "00": ExitReason.NONE_OF_THESE,
        "01": ExitReason.INSTITUTIONALIZED,
        "02": ExitReason.HEALTH_MEDICAL,
        "03": ExitReason.DECEASED,
        "04": ExitReason.RESERVE_FORCES_ACTIVE_DUTY,
        "05": ExitReason.FOSTER_CARE_RELOCATION,
        "06": ExitReason.INELIGIBLE,
        "07": ExitReason.CRIMINAL_OFFENDER,
        "0": ExitReason.NONE_OF_THESE,
        "1": ExitReason.INSTITUTIONALIZED,
        "2": ExitReason.HEALTH_MEDICAL,
        "3": ExitReason.DECEASED,
        "4": ExitReason.RESERVE_FORCES_ACTIVE_DUTY,
        "5": ExitReason.FOSTER_CARE_RELOCATION,
        "6": ExitReason.INELIGIBLE,
        "7": ExitReason.CRIMINAL_OFFENDER,
    },
    "sex": {"1": Sex.MALE, "2": Sex.FEMALE, "9": Sex.NOT_DISCLOSED},
    "veteran_status": {
        "0": VeteranStatus.NO,
        "1": VeteranStatus.VETERAN,
        "2": VeteranStatus.VETERAN,
        "3": VeteranStatus.ELIGIBLE_SPOUSE,
        "9": VeteranStatus.NOT_DISCLOSED,
    },
    "credential": {
        "1": CredentialType.SECONDARY_DIPLOMA,
        "2": CredentialType.ASSOCIATE_DEGREE,
        "3": CredentialType.BACHELORS_DEGREE,
        "4": CredentialType.OCCUPATIONAL_LICENSURE,
        "5": CredentialType.OCCUPATIONAL_CERTIFICATE,
        "6": CredentialType.OCCUPATIONAL_CERTIFICATION,
        "7": CredentialType.OTHER_RECOGNIZED,
    },
    "employment": {
        "0": EmploymentStatus.NOT_EMPLOYED,
        "1": EmploymentStatus.EMPLOYED,
        "2": EmploymentStatus.EMPLOYED,
        "3": EmploymentStatus.EMPLOYED,
        "9": EmploymentStatus.UNKNOWN,
        "yes": EmploymentStatus.EMPLOYED,
        "no": EmploymentStatus.NOT_EMPLOYED,
        "unknown": EmploymentStatus.UNKNOWN,
    },
    "training_service": {
        **TRAINING_SERVICE_CODES,
        **{code.lstrip("0"): kind for code, kind in TRAINING_SERVICE_CODES.items()},
    },
    "age_band": {
        "under_18": AgeBand.UNDER_18,
        "18_24": AgeBand.AGE_18_24,
        "25_34": AgeBand.AGE_25_34,
        "35_44": AgeBand.AGE_35_44,
        "45_54": AgeBand.AGE_45_54,
        "55_64": AgeBand.AGE_55_64,
        "65_plus": AgeBand.AGE_65_PLUS,
        "65+": AgeBand.AGE_65_PLUS,
    },
}
# Codes that mean "none" and read as an empty cell: PIRL 1303's 00, no training service.
NONE_CODES: dict[str, frozenset[str]] = {"training_service": frozenset({"00", "0"})}
# What a bad cell's message lists as the column's PIRL codes.
CODE_HINTS = {"training_service": "01 to 11 (00 for none)"}
ENUM_OF_FIELD = {
    "exit_reason": ("exit_reason", ExitReason),
    "training_service_type": ("training_service", TrainingServiceType),
    "sex": ("sex", Sex),
    "veteran_status": ("veteran_status", VeteranStatus),
    "age_band": ("age_band", AgeBand),
    "employed_q1": ("employment", EmploymentStatus),
    "employed_q2": ("employment", EmploymentStatus),
    "employed_q3": ("employment", EmploymentStatus),
    "employed_q4": ("employment", EmploymentStatus),
    "credential_1_type": ("credential", CredentialType),
    "credential_2_type": ("credential", CredentialType),
    "credential_3_type": ("credential", CredentialType),
}


__all__ = [
    "BY_FIELD",
    "BY_HEADER",
    "CODES",
    "CODE_HINTS",
    "COLUMNS",
    "ENUM_OF_FIELD",
    "GAIN_COLUMNS",
    "NONE_CODES",
    "REQUIRED",
    "TRAINING_SERVICE_CODES",
    "Column",
]
