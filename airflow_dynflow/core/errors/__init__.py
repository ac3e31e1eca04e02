"""Every user-facing error of the core, built in one place, one module per section.

Messages read like Python's own (``f() missing required argument 'x'``) and always name the entity,
the argument and, where there is one, the fix. Keeping the wording here means one misuse never gets
two different messages or two different exception types in two code paths. Every exception is a
``DynflowError`` and also the builtin Python raises for the same mistake (``family``).

``__all__`` policy, the same in every error and message module of the package: a module's ``__all__``
lists every public name it defines, and this package re-exports each section's ``__all__``, so
``from airflow_dynflow.core.errors import X`` finds any of them (a test holds both to it).
"""

from __future__ import annotations

from airflow_dynflow.core.errors import (
    call_errors,
    conditionals,
    context_errors,
    family,
    gate_errors,
    option_errors,
    specs,
    values,
)
from airflow_dynflow.core.errors.call_errors import *  # noqa: F403
from airflow_dynflow.core.errors.conditionals import *  # noqa: F403
from airflow_dynflow.core.errors.context_errors import *  # noqa: F403
from airflow_dynflow.core.errors.family import *  # noqa: F403
from airflow_dynflow.core.errors.gate_errors import *  # noqa: F403
from airflow_dynflow.core.errors.option_errors import *  # noqa: F403
from airflow_dynflow.core.errors.specs import *  # noqa: F403
from airflow_dynflow.core.errors.values import *  # noqa: F403

_SECTIONS = (call_errors, conditionals, context_errors, family, gate_errors, option_errors, specs, values)

__all__ = sorted(name for section in _SECTIONS for name in section.__all__)
