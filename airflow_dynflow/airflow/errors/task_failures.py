"""The Airflow runtime's exceptions: each a ``DynflowError`` and, when retrying cannot mend it, an
``AirflowFailException``, so it fails the task instance for good instead of burning its retries."""

from __future__ import annotations

from airflow_dynflow.airflow.compat import AirflowFailException
from airflow_dynflow.core.errors import DynflowError

__all__ = [
    "BadFuturesSpecError",
    "ConfigurationError",
    "DependencyFailedError",
    "ForeignChildRunError",
    "IntegrityError",
    "MissingUpstreamError",
    "NodeFailedError",
]


class MissingUpstreamError(DynflowError, AirflowFailException):
    """An upstream output is not there: the upstream never ran in this run (e.g. ``tasks test``)."""


class NodeFailedError(DynflowError, AirflowFailException):
    """A generated node failed and has no retries of its own left."""


class DependencyFailedError(DynflowError, AirflowFailException):
    """A generated node did not run because a node it depends on failed.

    It fails rather than skips, and without retries: Airflow's "Clear failed" (and ``airflow tasks
    clear -f``) clears failed instances only, and a generated node's dependents are sibling map
    indexes that no "downstream" reaches. Failed, they are cleared with the node that failed and
    run again once it succeeds. A task has no way to end ``upstream_failed`` itself.
    """


class ForeignChildRunError(DynflowError, AirflowFailException):
    """A run of the runner DAG sits under the id this node's child run must have, and is not its
    child: it is neither reset nor read."""


class IntegrityError(DynflowError, AirflowFailException):
    """Something read back was not written by airflow-dynflow under this deployment's key, or was
    changed since: a forged XCom, a planted or edited blob, a hand-made child-run request.

    Retrying reads the same bytes again, so the instance fails for good, and nothing of the object
    has been decoded, unpickled or imported.
    """


class BadFuturesSpecError(DynflowError, AirflowFailException):
    """The futures spec cannot be used (malformed, tampered, or its code changed): retrying cannot help."""


class ConfigurationError(DynflowError, AirflowFailException, ValueError):
    """The task cannot run as configured: the deployment's settings (no signing key or a weak one, a
    limit such as ``[dynflow] max_nodes_per_dynamic``) or the run's conf (an input the workflow does
    not have). A retry reads the same configuration, so the task fails for good; a ValueError too,
    as a bad value it is."""
