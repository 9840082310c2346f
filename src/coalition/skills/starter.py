"""The starter vocabulary the project ships: codes and titles only (facts), no ratings.

Enough for the demo partnerships (advanced manufacturing and healthcare) to
work with no download. ``coalition reference load DIR`` adds the full sets;
loading the starter set afterwards never overwrites them (it only inserts
rows that are missing). ``tests/skills/test_starter.py`` checks every code and
title against the publishers' files.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.skills.loader import load_framework, upsert
from coalition.skills.models import (
    Industry,
    InstructionalProgram,
    Occupation,
    OccupationGroup,
    ProgramOccupation,
    Skill,
    SkillKind,
)

# (code, title, level): the SOC 2018 groups of the occupations below.
GROUPS = (
    ("11-0000", "Management Occupations", "Major"),
    ("11-9000", "Other Management Occupations", "Minor"),
    ("11-9110", "Medical and Health Services Managers", "Broad"),
    ("17-0000", "Architecture and Engineering Occupations", "Major"),
    ("17-3000", "Drafters, Engineering Technicians, and Mapping Technicians", "Minor"),
    ("17-3020", "Engineering Technologists and Technicians, Except Drafters", "Broad"),
    ("29-0000", "Healthcare Practitioners and Technical Occupations", "Major"),
    ("29-1000", "Healthcare Diagnosing or Treating Practitioners", "Minor"),
    ("29-1140", "Registered Nurses", "Broad"),
    ("29-2000", "Health Technologists and Technicians", "Minor"),
    ("29-2010", "Clinical Laboratory Technologists and Technicians", "Broad"),
    ("29-2030", "Diagnostic Related Technologists and Technicians", "Broad"),
    ("29-2040", "Emergency Medical Technicians and Paramedics", "Broad"),
    ("29-2050", "Health Practitioner Support Technologists and Technicians", "Broad"),
    ("29-2060", "Licensed Practical and Licensed Vocational Nurses", "Broad"),
    ("31-0000", "Healthcare Support Occupations", "Major"),
    (
        "31-1100",
        "Home Health and Personal Care Aides; and Nursing Assistants, Orderlies, and "
        "Psychiatric Aides",
        "Minor",
    ),
    ("31-1120", "Home Health and Personal Care Aides", "Broad"),
    ("31-1130", "Nursing Assistants, Orderlies, and Psychiatric Aides", "Broad"),
    ("31-9000", "Other Healthcare Support Occupations", "Minor"),
    ("31-9090", "Miscellaneous Healthcare Support Occupations", "Broad"),
    ("43-0000", "Office and Administrative Support Occupations", "Major"),
    ("43-6000", "Secretaries and Administrative Assistants", "Minor"),
    ("43-6010", "Secretaries and Administrative Assistants", "Broad"),
    ("47-0000", "Construction and Extraction Occupations", "Major"),
    ("47-2000", "Construction Trades Workers", "Minor"),
    ("47-2110", "Electricians", "Broad"),
    ("49-0000", "Installation, Maintenance, and Repair Occupations", "Major"),
    ("49-9000", "Other Installation, Maintenance, and Repair Occupations", "Minor"),
    ("49-9040", "Industrial Machinery Installation, Repair, and Maintenance Workers", "Broad"),
    ("49-9070", "Maintenance and Repair Workers, General", "Broad"),
    ("51-0000", "Production Occupations", "Major"),
    ("51-1000", "Supervisors of Production Workers", "Minor"),
    ("51-1010", "First-Line Supervisors of Production and Operating Workers", "Broad"),
    ("51-2000", "Assemblers and Fabricators", "Minor"),
    ("51-2030", "Engine and Other Machine Assemblers", "Broad"),
    ("51-2090", "Miscellaneous Assemblers and Fabricators", "Broad"),
    ("51-4000", "Metal Workers and Plastic Workers", "Minor"),
    ("51-4030", "Machine Tool Cutting Setters, Operators, and Tenders, Metal and Plastic", "Broad"),
    ("51-4040", "Machinists", "Broad"),
    (
        "51-4070",
        "Molders and Molding Machine Setters, Operators, and Tenders, Metal and Plastic",
        "Broad",
    ),
    (
        "51-4080",
        "Multiple Machine Tool Setters, Operators, and Tenders, Metal and Plastic",
        "Broad",
    ),
    ("51-4110", "Tool and Die Makers", "Broad"),
    ("51-4120", "Welding, Soldering, and Brazing Workers", "Broad"),
    ("51-9000", "Other Production Occupations", "Minor"),
    ("51-9060", "Inspectors, Testers, Sorters, Samplers, and Weighers", "Broad"),
    ("51-9120", "Painting Workers", "Broad"),
    ("51-9160", "Computer Numerically Controlled Tool Operators and Programmers", "Broad"),
    ("53-0000", "Transportation and Material Moving Occupations", "Major"),
    ("53-7000", "Material Moving Workers", "Minor"),
    ("53-7060", "Laborers and Material Movers", "Broad"),
)

# (SOC code, title, major, minor, broad): manufacturing first, then healthcare.
OCCUPATIONS = (
    ("51-4041", "Machinists", "51-0000", "51-4000", "51-4040"),
    ("51-4121", "Welders, Cutters, Solderers, and Brazers", "51-0000", "51-4000", "51-4120"),
    ("51-2092", "Team Assemblers", "51-0000", "51-2000", "51-2090"),
    (
        "17-3026",
        "Industrial Engineering Technologists and Technicians",
        "17-0000",
        "17-3000",
        "17-3020",
    ),
    ("49-9041", "Industrial Machinery Mechanics", "49-0000", "49-9000", "49-9040"),
    (
        "51-9161",
        "Computer Numerically Controlled Tool Operators",
        "51-0000",
        "51-9000",
        "51-9160",
    ),
    (
        "51-1011",
        "First-Line Supervisors of Production and Operating Workers",
        "51-0000",
        "51-1000",
        "51-1010",
    ),
    (
        "53-7062",
        "Laborers and Freight, Stock, and Material Movers, Hand",
        "53-0000",
        "53-7000",
        "53-7060",
    ),
    (
        "51-4072",
        "Molding, Coremaking, and Casting Machine Setters, Operators, and Tenders, Metal and "
        "Plastic",
        "51-0000",
        "51-4000",
        "51-4070",
    ),
    (
        "51-4081",
        "Multiple Machine Tool Setters, Operators, and Tenders, Metal and Plastic",
        "51-0000",
        "51-4000",
        "51-4080",
    ),
    ("51-4111", "Tool and Die Makers", "51-0000", "51-4000", "51-4110"),
    (
        "51-9061",
        "Inspectors, Testers, Sorters, Samplers, and Weighers",
        "51-0000",
        "51-9000",
        "51-9060",
    ),
    ("51-2031", "Engine and Other Machine Assemblers", "51-0000", "51-2000", "51-2030"),
    ("49-9071", "Maintenance and Repair Workers, General", "49-0000", "49-9000", "49-9070"),
    ("47-2111", "Electricians", "47-0000", "47-2000", "47-2110"),
    (
        "51-4031",
        "Cutting, Punching, and Press Machine Setters, Operators, and Tenders, Metal and Plastic",
        "51-0000",
        "51-4000",
        "51-4030",
    ),
    (
        "51-9124",
        "Coating, Painting, and Spraying Machine Setters, Operators, and Tenders",
        "51-0000",
        "51-9000",
        "51-9120",
    ),
    ("29-1141", "Registered Nurses", "29-0000", "29-1000", "29-1140"),
    ("31-1131", "Nursing Assistants", "31-0000", "31-1100", "31-1130"),
    (
        "29-2061",
        "Licensed Practical and Licensed Vocational Nurses",
        "29-0000",
        "29-2000",
        "29-2060",
    ),
    ("31-9092", "Medical Assistants", "31-0000", "31-9000", "31-9090"),
    ("29-2052", "Pharmacy Technicians", "29-0000", "29-2000", "29-2050"),
    ("29-2034", "Radiologic Technologists and Technicians", "29-0000", "29-2000", "29-2030"),
    ("31-1122", "Personal Care Aides", "31-0000", "31-1100", "31-1120"),
    ("29-2042", "Emergency Medical Technicians", "29-0000", "29-2000", "29-2040"),
    ("31-1121", "Home Health Aides", "31-0000", "31-1100", "31-1120"),
    ("29-2012", "Medical and Clinical Laboratory Technicians", "29-0000", "29-2000", "29-2010"),
    ("31-9097", "Phlebotomists", "31-0000", "31-9000", "31-9090"),
    (
        "43-6013",
        "Medical Secretaries and Administrative Assistants",
        "43-0000",
        "43-6000",
        "43-6010",
    ),
    ("29-2055", "Surgical Technologists", "29-0000", "29-2000", "29-2050"),
    ("11-9111", "Medical and Health Services Managers", "11-0000", "11-9000", "11-9110"),
)

# (O*NET element ID, name, kind): skills and knowledge areas the demo's jobs lean on.
SKILLS = (
    ("2.A.1.a", "Reading Comprehension", SkillKind.TECHNICAL),
    ("2.A.1.b", "Active Listening", SkillKind.TECHNICAL),
    ("2.A.1.c", "Writing", SkillKind.TECHNICAL),
    ("2.A.1.d", "Speaking", SkillKind.TECHNICAL),
    ("2.A.1.e", "Mathematics", SkillKind.TECHNICAL),
    ("2.A.2.a", "Critical Thinking", SkillKind.TECHNICAL),
    ("2.A.2.d", "Monitoring", SkillKind.TECHNICAL),
    ("2.B.1.a", "Social Perceptiveness", SkillKind.TECHNICAL),
    ("2.B.1.b", "Coordination", SkillKind.TECHNICAL),
    ("2.B.1.e", "Instructing", SkillKind.TECHNICAL),
    ("2.B.1.f", "Service Orientation", SkillKind.TECHNICAL),
    ("2.B.2.i", "Complex Problem Solving", SkillKind.TECHNICAL),
    ("2.B.3.g", "Operations Monitoring", SkillKind.TECHNICAL),
    ("2.B.3.h", "Operation and Control", SkillKind.TECHNICAL),
    ("2.B.3.j", "Equipment Maintenance", SkillKind.TECHNICAL),
    ("2.B.3.k", "Troubleshooting", SkillKind.TECHNICAL),
    ("2.B.3.l", "Repairing", SkillKind.TECHNICAL),
    ("2.B.3.m", "Quality Control Analysis", SkillKind.TECHNICAL),
    ("2.B.4.e", "Judgment and Decision Making", SkillKind.TECHNICAL),
    ("2.B.5.a", "Time Management", SkillKind.TECHNICAL),
    ("2.C.1.e", "Customer and Personal Service", SkillKind.KNOWLEDGE),
    ("2.C.2.a", "Production and Processing", SkillKind.KNOWLEDGE),
    ("2.C.3.e", "Mechanical", SkillKind.KNOWLEDGE),
    ("2.C.5.a", "Medicine and Dentistry", SkillKind.KNOWLEDGE),
    ("2.C.8.a", "Public Safety and Security", SkillKind.KNOWLEDGE),
)

# (NAICS 2022 code, title, level): the demo organizations' industries and their sectors.
INDUSTRIES = (
    ("31-33", "Manufacturing", "Sector"),
    ("61", "Educational Services", "Sector"),
    ("62", "Health Care and Social Assistance", "Sector"),
    ("81", "Other Services (except Public Administration)", "Sector"),
    ("92", "Public Administration", "Sector"),
    ("326199", "All Other Plastics Product Manufacturing", "National Industry"),
    ("331511", "Iron Foundries", "National Industry"),
    ("332312", "Fabricated Structural Metal Manufacturing", "National Industry"),
    ("332710", "Machine Shops", "National Industry"),
    ("611210", "Junior Colleges", "National Industry"),
    ("611519", "Other Technical and Trade Schools", "National Industry"),
    ("621111", "Offices of Physicians (except Mental Health Specialists)", "National Industry"),
    ("621610", "Home Health Care Services", "National Industry"),
    ("622110", "General Medical and Surgical Hospitals", "National Industry"),
    ("623110", "Nursing Care Facilities (Skilled Nursing Facilities)", "National Industry"),
    ("624310", "Vocational Rehabilitation Services", "National Industry"),
    ("813211", "Grantmaking Foundations", "National Industry"),
    ("813930", "Labor Unions and Similar Labor Organizations", "National Industry"),
    ("926110", "Administration of General Economic Programs", "National Industry"),
)

# (CIP 2020 code, title without NCES's closing period): programs the demo's providers run.
PROGRAMS = (
    ("15.0613", "Manufacturing Engineering Technology/Technician"),
    ("46.0302", "Electrician"),
    ("48.0501", "Machine Tool Technology/Machinist"),
    ("48.0507", "Tool and Die Technology/Technician"),
    ("48.0508", "Welding Technology/Welder"),
    ("48.0510", "Computer Numerically Controlled (CNC) Machinist Technology/CNC Machinist"),
    ("51.0801", "Medical/Clinical Assistant"),
    ("51.2602", "Home Health Aide/Home Attendant"),
    ("51.3801", "Registered Nursing/Registered Nurse"),
    ("51.3901", "Licensed Practical/Vocational Nurse Training"),
    ("51.3902", "Nursing Assistant/Aide and Patient Care Assistant/Aide"),
    ("51.3999", "Practical Nursing, Vocational Nursing and Nursing Assistants, Other"),
)

# (CIP code, SOC code): the NCES crosswalk's pairs of the programs above whose occupation
# is in OCCUPATIONS (the full file pairs some of them with more occupations).
PROGRAM_OCCUPATIONS = (
    ("15.0613", "17-3026"),
    ("46.0302", "47-2111"),
    ("48.0501", "51-4031"),
    ("48.0501", "51-4041"),
    ("48.0501", "51-4081"),
    ("48.0507", "51-4111"),
    ("48.0508", "51-4121"),
    ("48.0510", "51-9161"),
    ("51.0801", "31-9092"),
    ("51.2602", "31-1121"),
    ("51.2602", "31-1122"),
    ("51.3801", "29-1141"),
    ("51.3901", "29-2061"),
    ("51.3902", "31-1131"),
    ("51.3999", "29-2061"),
    ("51.3999", "31-1131"),
)


def shared_data_dir() -> Path | None:
    """The folder with the publishers' full files: ``COALITION_REFERENCE_DIR`` when set,
    else ``../shared/data`` beside the repository; None when neither exists."""
    configured = os.environ.get("COALITION_REFERENCE_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[3].parent / "shared" / "data")
    return next((path for path in candidates if path.is_dir()), None)


async def load_starter(session: AsyncSession) -> dict[str, int]:
    """Insert the starter rows that are missing (never changes loaded rows) and write
    the essential skills framework, in the caller's transaction (as the owner)."""
    counts = {
        "occupation_groups": await upsert(
            session,
            OccupationGroup,
            [{"code": code, "title": title, "level": level} for code, title, level in GROUPS],
            keys=["code"],
            update=False,
        ),
        "occupations": await upsert(
            session,
            Occupation,
            [
                {
                    "soc_code": code,
                    "title": title,
                    "major_code": major,
                    "minor_code": minor,
                    "broad_code": broad,
                }
                for code, title, major, minor, broad in OCCUPATIONS
            ],
            keys=["soc_code"],
            update=False,
        ),
        "skills": await upsert(
            session,
            Skill,
            [
                {"id": code, "kind": kind, "name": name, "onet_element_id": code}
                for code, name, kind in SKILLS
            ],
            keys=["id"],
            update=False,
        ),
        "industries": await upsert(
            session,
            Industry,
            [
                {"naics_code": code, "title": title, "level": level}
                for code, title, level in INDUSTRIES
            ],
            keys=["naics_code"],
            update=False,
        ),
        "instructional_programs": await upsert(
            session,
            InstructionalProgram,
            [{"cip_code": code, "title": title} for code, title in PROGRAMS],
            keys=["cip_code"],
            update=False,
        ),
        "program_occupations": await upsert(
            session,
            ProgramOccupation,
            [{"cip_code": cip, "soc_code": soc} for cip, soc in PROGRAM_OCCUPATIONS],
            keys=["cip_code", "soc_code"],
            update=False,
        ),
    }
    counts["skills"] += await load_framework(session)
    return counts
