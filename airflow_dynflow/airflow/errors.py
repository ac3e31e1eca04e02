"""Every user-facing error of the Airflow runtime, built in one place (the twin of ``core.errors``).

Each helper names the task or node, what was wrong and, where there is one, the fix. Errors that
retrying cannot mend (a missing upstream, a node past its own retries) are ``AirflowFailException``
subclasses, so they fail the task instance for good instead of burning its retries.
"""

from __future__ import annotations

from collections.abc import Iterable

from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from airflow_dynflow.core.errors import SpecError

__all__ = [
    "MissingUpstreamError",
    "NodeFailedError",
    "bad_child_request",
    "child_run_failed",
    "child_run_without_result",
    "dependency_dead",
    "futures_spec_replaced",
    "input_not_json",
    "map_too_long",
    "missing_upstream",
    "no_futures_spec",
    "node_failed_for_good",
    "nothing_to_collect",
    "unknown_conf_keys",
    "unknown_dag_options",
]


class MissingUpstreamError(AirflowFailException):
    """An upstream output is not there: the upstream never ran in this run (e.g. ``tasks test``)."""


class NodeFailedError(AirflowFailException):
    """A generated node failed and has no retries of its own left."""


def missing_upstream(consumer: str, input_name: str, where: str, rerun_hint: str) -> MissingUpstreamError:
    return MissingUpstreamError(
        f"{consumer}: input '{input_name}' needs the output of {where}, which has no output in this "
        f"run. Run the upstream first, or test against a run in which it succeeded: {rerun_hint}"
    )


def unknown_conf_keys(workflow: str, unknown: Iterable[str], inputs: Iterable[str]) -> ValueError:
    """Airflow accepts unknown conf keys; a typo in an input name must not pass silently."""
    return ValueError(
        f"{workflow}: unknown input(s) in the run's conf: {', '.join(unknown)}; "
        f"the workflow's inputs are: {', '.join(inputs) or 'none'}"
    )


def input_not_json(workflow: str, name: str, type_name: str) -> TypeError:
    return TypeError(
        f"{workflow}: input '{name}' has a type that only travels pickled ({type_name}); a DAG run's "
        "conf is JSON, so make it a JSON type (a dataclass or pydantic model works)"
    )


def unknown_dag_options(workflow: str, unknown: Iterable[str]) -> TypeError:
    return TypeError(f"@workflow({workflow}): unknown DAG option(s): {', '.join(sorted(unknown))}")


def map_too_long(map_name: str, size: int, limit: int) -> ValueError:
    return ValueError(
        f"{map_name}: {size} elements exceed [core] max_map_length = {limit}; raise it, e.g. "
        f"AIRFLOW__CORE__MAX_MAP_LENGTH={size} for every Airflow component"
    )


def nothing_to_collect(map_name: str, split_id: str) -> RuntimeError:
    return RuntimeError(f"{map_name}: {split_id} did not run, so there is nothing to collect")


def no_futures_spec(compile_id: str) -> RuntimeError:
    return RuntimeError(f"{compile_id} has no futures spec in this run; run it first")


def futures_spec_replaced(uri: str) -> SpecError:
    return SpecError(f"the futures spec at {uri} is not the one compiled for this run")


def bad_child_request(runner_dag_id: str, missing: str) -> ValueError:
    return ValueError(f"{runner_dag_id} runs nested dynamics for their parent; conf lacks {missing}")


def dependency_dead(item: str, culprit: str, state: str | None) -> AirflowSkipException:
    return AirflowSkipException(f"{item}: not run, its dependency {culprit} is {state}")


def node_failed_for_good(item: str, attempts: int, cause: BaseException) -> NodeFailedError:
    return NodeFailedError(f"{item} failed after {attempts} tries: {cause!r}")


def child_run_without_result(item: str, run_id: str) -> RuntimeError:
    return RuntimeError(f"{item}: the child run {run_id} has no result")


def child_run_failed(label: str, run_id: str, runner_dag_id: str, state: str | None) -> RuntimeError:
    return RuntimeError(f"{label}: its child run {run_id} of {runner_dag_id} {state}")
