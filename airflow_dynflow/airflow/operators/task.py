"""One ``@task`` call of a workflow: inputs from upstream envelopes, params and constants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, Context

from airflow_dynflow.airflow.runtime.calls import run_entity
from airflow_dynflow.airflow.runtime.idempotency import generation_start, set_idempotency_key
from airflow_dynflow.airflow.runtime.inputs import check_conf, workflow_resolver
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.entities import Task, Workflow

__all__ = ["DynflowTaskOperator"]


class DynflowTaskOperator(BaseOperator):
    """Resolves its inputs, validates them, runs the function, validates and stores the outputs.

    Retries, retry delay and timeouts are Airflow's (set on the operator by the DAG builder); the
    cache lives in the blob store, shared by every run.
    """

    ui_color = "#dbeafe"

    def __init__(self, *, workflow: Workflow, node: int, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.sources = dict(sources)

    def execute(self, context: Context) -> Any:
        wf = self.workflow
        check_conf(wf, context)
        store = BlobStore()
        payloads = Payloads(store)
        resolver = workflow_resolver(wf, context, self.sources, payloads)
        inputs = resolver.inputs(self.node, self.task_id)
        entity = wf.spec.entity(wf.spec.nodes[self.node])
        key = set_idempotency_key(context, self.task_id, generation_start(context["ti"], self.retries))
        assert isinstance(entity, Task), "the DAG builder gives map and dynamic nodes operators of their own"
        outputs = run_entity(
            self.task_id,
            entity,
            inputs,
            store,
            execution=(context["run_id"], key),
            input_hashes=resolver.input_hashes(self.node),
        )
        map_index = context["ti"].map_index
        base = store.run_path(self.dag_id, context["run_id"], self.task_id, str(map_index))
        where = location(self.dag_id, context["run_id"], self.task_id, map_index)
        return payloads.encode_outputs(entity.interface, outputs, base, where)
