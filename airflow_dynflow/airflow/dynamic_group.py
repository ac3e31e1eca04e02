"""The task group a ``@dynamic`` call becomes, and the runner DAG for dynamics nested in dynamics.

Group ``<name>``: ``compile`` -> ``nodes`` (mapped, one instance per generated node, labelled
``n7 update_list``) -> ``result``. The runner DAG ``<dag_id>__dynflow`` has the same three tasks;
a generated node that is itself a dynamic triggers a child run of it, with the dynamic and its
inputs in the run's conf, to any depth.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from airflow.sdk import DAG, BaseOperator, TaskGroup, TriggerRule

from airflow_dynflow.airflow.compat import EXPONENTIAL_BACKOFF, conf
from airflow_dynflow.airflow.operators.compile import RunnerCompileOperator
from airflow_dynflow.airflow.operators.dynamic_result import DynamicResultOperator
from airflow_dynflow.airflow.operators.generated_node import GeneratedNodeOperator
from airflow_dynflow.airflow.runtime.map_labels import LABEL_TEMPLATE

__all__ = ["RUNNER_SUFFIX", "build_runner_dag", "dynamic_tasks", "runner_dag_id", "spare_tries"]

RUNNER_SUFFIX = "__dynflow"


def runner_dag_id(dag_id: str) -> str:
    return dag_id if dag_id.endswith(RUNNER_SUFFIX) else dag_id + RUNNER_SUFFIX


def spare_tries() -> dict[str, Any]:
    """The tries our own tasks carry for faults that are not theirs (a slow first execution-API
    call, a worker lost, Airflow 3.3.2's defer/requeue race), spaced out exponentially so that an
    outage of a broker or the API server is outlasted rather than spent 1 s apart. What a task's
    own code gets is only the retries it asked for (see ``idempotency.attempt_in_generation``)."""
    return {
        "retries": conf.getint("dynflow", "node_retries", fallback=3),
        "retry_delay": timedelta(seconds=conf.getfloat("dynflow", "node_retry_delay", fallback=1.0)),
        "retry_exponential_backoff": EXPONENTIAL_BACKOFF,
        "max_retry_delay": timedelta(seconds=conf.getfloat("dynflow", "max_retry_delay", fallback=60.0)),
    }


def dynamic_tasks(
    make_compile: Callable[..., BaseOperator], runner: str, own_retries: int = 0, **compile_options: Any
) -> tuple[BaseOperator, BaseOperator]:
    """``compile >> nodes >> result`` in the current DAG / TaskGroup context; (first, last).

    ``own_retries`` are the dynamic's: a body that raises is tried that often, then fails for good."""
    spare = spare_tries()
    compile_op = make_compile(
        task_id="compile",
        own_retries=own_retries,
        **(spare | compile_options | {"retries": own_retries + spare["retries"]}),
    )
    nodes = GeneratedNodeOperator.partial(
        task_id="nodes",
        compile_id=compile_op.task_id,
        runner_dag_id=runner,
        map_index_template=LABEL_TEMPLATE,
        # Bounds how many instances wait at once (deferred ones count here, not in pools).
        max_active_tis_per_dagrun=conf.getint("dynflow", "max_active_nodes", fallback=32),
        **spare,
    ).expand(node_label=compile_op.output)
    result = DynamicResultOperator(
        task_id="result",
        compile_id=compile_op.task_id,
        nodes_id=nodes.task_id,
        trigger_rule=TriggerRule.NONE_FAILED,
        **spare,
    )
    compile_op >> nodes >> result
    return compile_op, result


def dynamic_group(
    name: str,
    display: str | None,
    parent: TaskGroup | None,
    make_compile: Callable[..., BaseOperator],
    runner: str,
    own_retries: int,
    **options: Any,
) -> tuple[BaseOperator, BaseOperator]:
    with TaskGroup(group_id=name, group_display_name=display or "", parent_group=parent):
        return dynamic_tasks(make_compile, runner, own_retries, **options)


def build_runner_dag(dag_id: str) -> DAG:
    """The DAG that runs nested dynamics as child runs; it must never start paused.

    Its runs take their work from a request that a parent node signed for that very run
    (``runtime.child_request``): a run triggered by hand fails at once, before anything in its conf
    is read. Airflow 3.3 cannot hide a DAG from the list, so it is tagged and described as internal.
    """
    runner = runner_dag_id(dag_id)
    with DAG(
        dag_id=runner,
        schedule=None,
        is_paused_upon_creation=False,
        tags=["dynflow", "internal"],
        description=(
            f"Internal to {dag_id}: runs the dynamics nested in its dynamics, one child run each. "
            "Started by parent nodes only; a run triggered by hand is refused."
        ),
        doc_md=_runner_doc(dag_id, runner),
    ) as dag:
        dynamic_tasks(RunnerCompileOperator, runner)
    return dag


def _runner_doc(dag_id: str, runner: str) -> str:
    """The DAG page's "Docs": a user who finds this DAG in the list learns what it is and where to look."""
    return (
        f"### `{runner}`: internal to `{dag_id}`\n\n"
        f"Created by airflow-dynflow because `{dag_id}` has dynamics that call other dynamics. Each "
        f"such nested call runs here as one child run, started by its parent node in `{dag_id}`; the "
        "child run's note and its **Dynamic graph** tab link back to that node.\n\n"
        "Do not trigger it by hand: a run without a request signed by a parent node fails at once, "
        "before its conf is read. It is unpaused on creation so that nested dynamics never wait on it."
    )
