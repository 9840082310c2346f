"""The essential skills framework reads at a 6th-8th grade level (textstat 0.7.3, offline)."""

from __future__ import annotations

import pytest
import textstat

from coalition.skills.framework import FRAMEWORK, EssentialSkillText, framework_skill


def _text(definition: str, examples: tuple[str, ...]) -> str:
    return " ".join((definition, *examples))


def test_textstat_scores_offline() -> None:
    # Recent textstat releases fetch NLTK data on first use; 0.7.3 must score with none.
    grade = textstat.flesch_kincaid_grade("The machine stopped. You call your supervisor.")

    assert isinstance(grade, float)
    assert grade != 0.0


def test_the_framework_has_twelve_skills_with_unique_ids() -> None:
    assert [skill.id for skill in FRAMEWORK] == [
        "ES.communication",
        "ES.teamwork",
        "ES.dependability",
        "ES.problem-solving",
        "ES.adaptability",
        "ES.customer-focus",
        "ES.digital-basics",
        "ES.time-management",
        "ES.self-advocacy",
        "ES.learning-on-the-job",
        "ES.safety-awareness",
        "ES.attention-to-detail",
    ]
    assert framework_skill("ES.teamwork") is FRAMEWORK[1]
    assert framework_skill("ES.nothing") is None


@pytest.mark.parametrize("skill", FRAMEWORK, ids=lambda skill: skill.slug)
def test_each_skill_has_one_definition_sentence_and_three_examples(
    skill: EssentialSkillText,
) -> None:
    definition, examples = skill.definition, skill.examples

    assert definition.endswith(".")
    assert definition.count(". ") == 0
    assert len(examples) >= 3
    assert all(3 <= len(example) <= 300 and example.endswith(".") for example in examples)
    assert len(set(examples)) == len(examples)


@pytest.mark.parametrize("skill", FRAMEWORK, ids=lambda skill: skill.slug)
def test_each_skill_reads_between_grade_4_and_8_5(skill: EssentialSkillText) -> None:
    text = _text(skill.definition, skill.examples)

    grade = textstat.flesch_kincaid_grade(text)

    assert 4 <= grade <= 8.5, f"{skill.slug}: grade {grade}"


def test_the_whole_framework_reads_between_grade_5_and_8() -> None:
    text = " ".join(_text(skill.definition, skill.examples) for skill in FRAMEWORK)

    grade = textstat.flesch_kincaid_grade(text)

    assert 5 <= grade <= 8, grade


def test_the_readability_check_can_fail() -> None:
    dense = (
        "Interdisciplinary organizational communication necessitates comprehensive "
        "consideration of heterogeneous stakeholder expectations and institutional "
        "accountability mechanisms."
    )

    assert textstat.flesch_kincaid_grade(dense) > 8.5
