"""Failures of a run: missing or failed upstreams, nodes past their retries, child runs that went wrong."""

from __future__ import annotations

from airflow_dynflow.airflow.compat import AirflowSkipException
from airflow_dynflow.airflow.errors.task_failures import (
    BadFuturesSpecError,
    DependencyFailedError,
    ForeignChildRunError,
    MissingUpstreamError,
    NodeFailedError,
)
from airflow_dynflow.core.errors import DynflowTypeError

__all__ = [
    "bad_futures_spec",
    "bad_spec_slice",
    "body_failed_for_good",
    "case_not_taken",
    "child_run_failed",
    "child_run_not_ours",
    "child_run_without_result",
    "dependency_dead",
    "futures_spec_replaced",
    "missing_upstream",
    "missing_upstream_node",
    "no_futures_spec",
    "node_failed_for_good",
    "nothing_to_collect",
    "unexpected_execution_api_reply",
]


def bad_futures_spec(compile_id: str, cause: BaseException) -> BadFuturesSpecError:
    return BadFuturesSpecError(f"the futures spec of {compile_id} cannot be used: {cause}")


def missing_upstream(consumer: str, input_name: str, where: str, rerun_hint: str) -> MissingUpstreamError:
    return MissingUpstreamError(
        f"{consumer}: input '{input_name}' needs the output of {where}, which has no output in this "
        f"run. Run the upstream first, or test against a run in which it succeeded: {rerun_hint}"
    )


def missing_upstream_node(
    consumer: str, input_name: str, where: str, node: str, task_id: str, map_index: int
) -> MissingUpstreamError:
    """A generated node's output is missing: it was marked success without running, or cleared."""
    return MissingUpstreamError(
        f"{consumer}: input '{input_name}' needs the output of {where}, which has no output in this "
        f"run (marked success without running?). Clear {node} ({task_id}, map index {map_index}) in "
        'this run so that it runs; "Clear failed" then runs what failed after it'
    )


def nothing_to_collect(map_name: str, split_id: str) -> MissingUpstreamError:
    return MissingUpstreamError(f"{map_name}: {split_id} did not run, so there is nothing to collect")


def no_futures_spec(compile_id: str) -> MissingUpstreamError:
    return MissingUpstreamError(f"{compile_id} has no futures spec in this run; run it first")


def futures_spec_replaced(key: str) -> BadFuturesSpecError:
    return BadFuturesSpecError(f"the futures spec at {key} is not the one compiled for this run")


def unexpected_execution_api_reply(expected: str, reply: object) -> DynflowTypeError:
    return DynflowTypeError(
        f"the execution API answered {type(reply).__name__} where {expected} was expected"
    )


def bad_spec_slice(key: str, map_index: int) -> BadFuturesSpecError:
    return BadFuturesSpecError(
        f"the spec slices at {key} are damaged: no valid offsets for map index {map_index}"
    )


_DEAD_STATES = {
    "failed": "failed",
    "upstream_failed": "failed",
    "skipped": "was skipped",
    "removed": "was removed",
}


def dependency_dead(
    item: str, culprit: str, state: str | None
) -> AirflowSkipException | DependencyFailedError:
    """``n3 step: not run: its dependency n2 step failed``; both named by label, never by map index.

    A skipped dependency (a case not taken) skips the node, as a static branch does; any other end
    fails it, so that "Clear failed" on the run reaches it (``DependencyFailedError``)."""
    happened = _DEAD_STATES.get(state or "", f"is {state}")
    if state == "skipped":
        return AirflowSkipException(f"{item}: not run: its dependency {culprit} {happened}")
    return DependencyFailedError(
        f"{item}: not run: its dependency {culprit} {happened}. Once its cause is fixed, "
        '"Clear failed" on this run runs both again (airflow tasks clear -f)'
    )


def case_not_taken(label: str, decide: str, case: int, chosen: int | None) -> AirflowSkipException:
    """``sort_locally[n4]: not run: it is in case 0 of terminal_case[n1], which took case 1``."""
    took = "was not run" if chosen is None else f"took case {chosen}"
    return AirflowSkipException(f"{label}: not run: it is in case {case} of {decide}, which {took}")


def node_failed_for_good(item: str, attempts: int, cause: BaseException) -> NodeFailedError:
    return NodeFailedError(f"{item} failed after {attempts} tries: {cause!r}")


def body_failed_for_good(dynamic: str, attempts: int, cause: BaseException) -> NodeFailedError:
    return NodeFailedError(f"the body of {dynamic} failed after {attempts} tries: {cause!r}")


def child_run_without_result(item: str, run_id: str) -> NodeFailedError:
    return NodeFailedError(f"{item}: the child run {run_id} succeeded without a result (marked success?)")


def child_run_failed(label: str, run_id: str, runner_dag_id: str, failed: str, url: str) -> NodeFailedError:
    """``n2 inner: its child run n2_inner__3f.. of wf__dynflow failed at n1 leaf (nodes, map index 1)``."""
    return NodeFailedError(
        f"{label}: its child run {run_id} of {runner_dag_id} failed at {failed}: {url} . "
        'Fix the cause, then "Clear failed" on either run resumes both'
    )


def child_run_not_ours(label: str, run_id: str, runner_dag_id: str) -> ForeignChildRunError:
    return ForeignChildRunError(
        f"{label}: a run {run_id} of {runner_dag_id} exists under this node's child-run id and was "
        "not started by this node (its request did not pass the signature check); it is left "
        "untouched. Delete that run, then clear this node"
    )
