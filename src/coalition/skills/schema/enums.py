"""The enums the vocabulary exposes, each value described."""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.skills.models import SkillKind

expose_enum(
    SkillKind,
    name="SkillKind",
    description="What kind of skill this is.",
    values={
        SkillKind.ESSENTIAL: "A skill of our essential skills framework: how a person "
        "works with others and gets work done, in any job.",
        SkillKind.TECHNICAL: "An O*NET skill (basic or cross-functional), such as "
        "Operation and Control.",
        SkillKind.KNOWLEDGE: "An O*NET knowledge area, such as Mechanical or Medicine "
        "and Dentistry.",
    },
)

__all__ = ["SkillKind"]
