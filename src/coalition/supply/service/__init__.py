"""Business rules for training programs and their cohorts: adding and changing them.

Every function takes the session (bound to the caller's tenant by the caller, who
owns the transaction: nothing here commits) and the principal. Every read of programs
starts from ``permissions.visible_programs``, which is scoped to the caller's tenant
and to who may see what; a program (or a cohort of a program) the caller may not see
is handled exactly like an ID that does not exist (NOT_FOUND). Each command checks
permissions (``Forbidden``), validates every field (reporting every problem at once
in one ``InvalidInput``) before writing, and writes its audit event in the same
transaction. Reads are in ``reads``.
"""

from __future__ import annotations

from coalition.supply.service.cohorts import create_cohort, update_cohort
from coalition.supply.service.programs import (
    create_training_program,
    provider_for_programs,
    set_training_program_status,
    update_training_program,
)

__all__ = [
    "create_cohort",
    "create_training_program",
    "provider_for_programs",
    "set_training_program_status",
    "update_cohort",
    "update_training_program",
]
