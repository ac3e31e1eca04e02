"""Every user-facing error of the Airflow runtime, built in one place (the twin of ``core.errors``).

Each helper names the task or node, what was wrong and, where there is one, the fix. Every exception
is a ``DynflowError``; those that retrying cannot mend (a missing upstream, a node past its own
retries, every integrity and configuration failure) are ``AirflowFailException`` subclasses too, so
they fail the task instance for good instead of burning its retries (``task_failures``).

``__all__`` follows the policy of ``core.errors``: each section lists every public name it defines,
and this package re-exports them all.
"""

from __future__ import annotations

from airflow_dynflow.airflow.errors import (
    configuration,
    deck_integrity,
    gate_failures,
    runs,
    tampered,
    task_failures,
)
from airflow_dynflow.airflow.errors.configuration import *  # noqa: F403
from airflow_dynflow.airflow.errors.deck_integrity import *  # noqa: F403
from airflow_dynflow.airflow.errors.gate_failures import *  # noqa: F403
from airflow_dynflow.airflow.errors.runs import *  # noqa: F403
from airflow_dynflow.airflow.errors.tampered import *  # noqa: F403
from airflow_dynflow.airflow.errors.task_failures import *  # noqa: F403

_SECTIONS = (configuration, deck_integrity, gate_failures, runs, tampered, task_failures)

__all__ = sorted(name for section in _SECTIONS for name in section.__all__)
