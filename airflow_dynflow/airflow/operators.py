"""The operators a workflow's static nodes become: one per task call, and ``outputs`` at the end.

They are our own operators, not PythonOperator glue: each resolves its inputs from upstream XCom
envelopes, workflow params and constants, validates them with the type engine, runs the function,
validates and stores the outputs. Retries, retry delay and timeouts are Airflow's (set on the
operator by the DAG builder); the cache lives in the blob store, shared by every run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, Context

from airflow_dynflow.airflow.payload import Payloads
from airflow_dynflow.airflow.resolver import Resolver
from airflow_dynflow.airflow.store import BlobCache, BlobStore
from airflow_dynflow.core.entities import Workflow, checked_inputs
from airflow_dynflow.core.execution import run_with_policy
from airflow_dynflow.core.spec import NO_OPTIONS, Options, Spec

__all__ = [
    "LABEL_TEMPLATE",
    "DynflowOutputsOperator",
    "DynflowTaskOperator",
    "run_entity",
    "set_label",
    "workflow_resolver",
]

log = logging.getLogger("airflow_dynflow")

# The map_index_template of every mapped task of ours: rendered from what ``set_label`` put in the
# context, so the UI lists mapped instances as ``x=3`` or ``n7 update_list``.
LABEL_TEMPLATE = "{{ dynflow_label }}"


def set_label(context: Context, label: str) -> None:
    context["dynflow_label"] = label  # type: ignore[typeddict-unknown-key]


def check_conf(wf: Workflow, context: Context) -> None:
    """Airflow accepts unknown conf keys; a typo in an input name must not pass silently."""
    conf = context["dag_run"].conf or {}
    unknown = sorted(set(conf) - set(wf.interface.inputs))
    if unknown:
        raise ValueError(
            f"{wf.name}: unknown input(s) in the run's conf: {', '.join(unknown)}; "
            f"the workflow's inputs are: {', '.join(wf.interface.inputs) or 'none'}"
        )


def workflow_resolver(
    wf: Workflow, spec: Spec, context: Context, sources: Mapping[int, str], payloads: Payloads
) -> Resolver:
    """A resolver reading node outputs from the XCom of the task ids in ``sources``."""
    ti = context["ti"]

    def fetch(index: int) -> Any:
        return ti.xcom_pull(task_ids=sources[index])

    return Resolver(
        spec,
        payloads,
        fetch,
        lambda index: f"upstream task '{sources[index]}'",
        dict(context["params"]),
        wf.interface.inputs,
        f"airflow tasks test {ti.dag_id} {ti.task_id} <run_id>",
    )


def run_entity(
    name: str, entity: Any, inputs: Mapping[str, Any], store: BlobStore, timeout: float | None = None
) -> dict[str, Any]:
    """Run a task's function once: Airflow owns retries, the blob store the cache.

    ``timeout`` is for generated nodes, whose mapped instances share one ``execution_timeout``;
    static tasks leave it to Airflow.
    """
    cache = None
    if entity.cache:
        cache = (BlobCache(store), entity.origin.ref, entity.effective_cache_version)
    checked = checked_inputs(entity.interface, inputs)
    options = Options(timeout=timeout) if timeout else NO_OPTIONS
    return run_with_policy(name, entity.body, entity.interface, checked, options, cache)


class DynflowTaskOperator(BaseOperator):
    """One ``@task`` call of a workflow."""

    ui_color = "#dbeafe"

    def __init__(self, *, workflow: Workflow, node: int, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.sources = dict(sources)

    def execute(self, context: Context) -> Any:
        wf = self.workflow
        check_conf(wf, context)
        spec = wf.spec
        store = BlobStore()
        payloads = Payloads(store)
        inputs = workflow_resolver(wf, spec, context, self.sources, payloads).inputs(self.node, self.task_id)
        entity = spec.entity(spec.nodes[self.node])
        outputs = run_entity(self.task_id, entity, inputs, store)
        base = store.run_path(self.dag_id, context["run_id"], self.task_id, str(context["ti"].map_index))
        return payloads.encode_outputs(entity.interface, outputs, base)


class DynflowOutputsOperator(BaseOperator):
    """The DAG's last task: the workflow's result as its ``return_value`` XCom, plain JSON.

    One output is the value itself, several an object keyed by output name, none ``null``.
    """

    ui_color = "#dcfce7"

    def __init__(self, *, workflow: Workflow, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.sources = dict(sources)

    def execute(self, context: Context) -> Any:
        wf = self.workflow
        check_conf(wf, context)
        spec = wf.spec
        resolver = workflow_resolver(wf, spec, context, self.sources, Payloads(BlobStore()))
        params = wf.interface.outputs
        values = {
            name: params[name].converter.to_jsonable(
                wf.interface.check_output(name, resolver.value(b, self.task_id, name))
            )
            for name, b in spec.outputs.items()
        }
        if not params:
            return None
        if len(params) == 1 and wf.interface.output_tuple is None:
            return next(iter(values.values()))
        return values
