"""Coalition's essential skills framework: the base text every partnership starts from.

Written for workers, in plain words, at about a 6th to 8th grade reading level
(``tests/skills/test_framework.py`` checks it). A partnership may replace a
skill's examples with its own sector's (``EssentialSkillOverride``); the names
and definitions stay the same everywhere, so skills can be compared across
partnerships.
"""

from __future__ import annotations

from dataclasses import dataclass

ESSENTIAL_PREFIX = "ES."


@dataclass(frozen=True)
class EssentialSkillText:
    slug: str
    name: str
    definition: str
    examples: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{ESSENTIAL_PREFIX}{self.slug}"


FRAMEWORK: tuple[EssentialSkillText, ...] = (
    EssentialSkillText(
        slug="communication",
        name="Communication",
        definition=(
            "Sharing information clearly and listening carefully, so that other people understand"
            " you and you understand them."
        ),
        examples=(
            (
                "You explain a problem to your supervisor in a few clear words and point to what "
                "you noticed."
            ),
            "You repeat instructions back to make sure you understood them correctly.",
            "You write a short note so the next shift knows which jobs still need to be finished.",
            (
                "You ask a question right away when something in a meeting or a training does not"
                " make sense."
            ),
        ),
    ),
    EssentialSkillText(
        slug="teamwork",
        name="Teamwork",
        definition=(
            "Working well with other people, including people who are different from you, to "
            "finish a shared job."
        ),
        examples=(
            "You help a coworker finish a difficult task after your own work is done.",
            (
                "You share equipment and work space fairly and put things back where the team "
                "expects them."
            ),
            (
                "You treat every person on the team with respect, even when you disagree about "
                "how to do something."
            ),
            "You let the team know early when you cannot finish your part on time.",
        ),
    ),
    EssentialSkillText(
        slug="dependability",
        name="Dependability",
        definition=(
            "Doing what you promised to do, every time, so your coworkers and customers can count"
            " on you."
        ),
        examples=(
            "You arrive at work on time, dressed and ready to start your shift.",
            "You call your supervisor before your shift begins if you will be late or absent.",
            (
                "You finish the assignments you agreed to take on, or you explain early why you "
                "cannot."
            ),
            "You follow every step of a procedure, even when nobody is watching.",
        ),
    ),
    EssentialSkillText(
        slug="problem-solving",
        name="Problem Solving",
        definition=(
            "Figuring out what went wrong, thinking through possible causes, and finding a good "
            "way to fix it."
        ),
        examples=(
            (
                "You notice that a machine sounds different than usual and look for the reason "
                "before it breaks."
            ),
            "You try one possible fix at a time and check whether it actually worked.",
            "You ask someone with more experience for ideas when you are stuck on a problem.",
            "You write down what solved the problem so your team can use it the next time.",
        ),
    ),
    EssentialSkillText(
        slug="adaptability",
        name="Adaptability",
        definition="Staying calm and useful when plans, assignments, equipment or software change.",
        examples=(
            (
                "You switch to a different task without complaining when the schedule changes "
                "during your shift."
            ),
            "You learn a new computer system after the company stops using the old one.",
            "You keep a positive attitude when a job takes longer than anyone planned.",
        ),
    ),
    EssentialSkillText(
        slug="customer-focus",
        name="Customer Focus",
        definition=(
            "Paying attention to what customers, patients or clients need and helping them in a "
            "friendly, respectful way."
        ),
        examples=(
            "You greet a patient by name and explain what will happen during the visit.",
            "You listen to a complaint without arguing and find a person who can solve it.",
            "You check that an order is complete and correct before it leaves the shop.",
        ),
    ),
    EssentialSkillText(
        slug="digital-basics",
        name="Digital Basics",
        definition="Using computers, phones and work software safely to get everyday tasks done.",
        examples=(
            "You record your hours in the time clock app at the beginning and end of every shift.",
            (
                "You send an email or a text message to your supervisor that is short, clear and "
                "polite."
            ),
            "You keep your password private and lock the computer screen whenever you walk away.",
            "You look up a work order or a safety information sheet on a shared computer.",
        ),
    ),
    EssentialSkillText(
        slug="time-management",
        name="Time Management",
        definition="Planning your day so that the most important work gets done on time.",
        examples=(
            (
                "You make a short list of tasks at the beginning of your shift and check them off"
                " as you go."
            ),
            "You take care of the most urgent job first and save the smaller tasks for later.",
            "You tell your supervisor early if you will probably miss an important deadline.",
        ),
    ),
    EssentialSkillText(
        slug="self-advocacy",
        name="Self-Advocacy",
        definition=(
            "Speaking up respectfully for what you need in order to do your job well and grow in "
            "your career."
        ),
        examples=(
            "You ask for training on a machine or a procedure you have not used before.",
            "You tell your supervisor when a new schedule does not work with your child care.",
            "You ask which steps you need to take to earn a raise or a promotion.",
            "You report an unsafe assignment instead of doing it anyway.",
        ),
    ),
    EssentialSkillText(
        slug="learning-on-the-job",
        name="Learning on the Job",
        definition=(
            "Picking up new skills at work by watching, asking questions, practicing and using "
            "feedback."
        ),
        examples=(
            "You watch an experienced coworker do a task, and then you practice it yourself.",
            "You take notes during training so you can look back at them later.",
            "You thank people for their feedback and use it to do better the next time.",
        ),
    ),
    EssentialSkillText(
        slug="safety-awareness",
        name="Safety Awareness",
        definition=(
            "Keeping yourself and the people around you safe by following safety rules and "
            "noticing dangers."
        ),
        examples=(
            "You wear the safety glasses, gloves or other protective gear that the job requires.",
            "You clean up a spill right away, or you block it off and tell someone.",
            "You wash your hands and follow the steps that keep germs from spreading.",
            "You stop working and report it when a machine guard or a safety switch is broken.",
        ),
    ),
    EssentialSkillText(
        slug="attention-to-detail",
        name="Attention to Detail",
        definition=(
            "Checking your work carefully so that small mistakes do not turn into big problems."
        ),
        examples=(
            "You measure a part twice before you cut it.",
            "You read the label on a medication carefully before you give it to a patient.",
            "You make sure every section of a form is filled in before you hand it over.",
        ),
    ),
)


def framework_skill(skill_id: str) -> EssentialSkillText | None:
    return next((skill for skill in FRAMEWORK if skill.id == skill_id), None)
