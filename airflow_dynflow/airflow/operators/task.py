"""One call of a workflow: inputs from upstream envelopes, params and constants.

``WorkflowNodeOperator`` is the part every static node shares (resolve the inputs, store the
outputs); ``DynflowTaskOperator`` runs a ``@task`` call, ``operators.branches`` the decide and
select nodes of a ``conditional(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, Context

from airflow_dynflow.airflow.runtime.entity_calls import run_entity
from airflow_dynflow.airflow.runtime.idempotency import generation_start, set_idempotency_key
from airflow_dynflow.airflow.runtime.inputs import Resolver, check_conf, workflow_resolver
from airflow_dynflow.airflow.runtime.instance_decks import deck_links, instance_decks
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.deck_pages import STATIC_NODE
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.authoring.entities import Task, Workflow
from airflow_dynflow.core.protocols import NodeEntity

__all__ = ["DynflowTaskOperator", "WorkflowNodeOperator"]


class WorkflowNodeOperator(BaseOperator):
    """Resolves a node's inputs, has a subclass compute its outputs, validates and stores them."""

    def __init__(self, *, workflow: Workflow, node: int, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.sources = dict(sources)

    def execute(self, context: Context) -> Any:
        return self.run(context)[1]

    def run(self, context: Context) -> tuple[dict[str, Any], dict[str, Any]]:
        """The node's outputs, and their envelope for XCom."""
        wf = self.workflow
        check_conf(wf, context)
        store = BlobStore()
        payloads = Payloads(store)
        resolver = workflow_resolver(wf, context, self.sources, payloads)
        entity = wf.spec.entity(wf.spec.nodes[self.node])
        outputs = self.outputs(context, entity, resolver, store)
        map_index = context["ti"].map_index
        base = store.run_path(self.dag_id, context["run_id"], self.task_id, str(map_index))
        where = location(self.dag_id, context["run_id"], self.task_id, map_index)
        return outputs, payloads.encode_outputs(entity.interface, outputs, base, where)

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        raise NotImplementedError


class DynflowTaskOperator(WorkflowNodeOperator):
    """Runs the function. Retries, retry delay and timeouts are Airflow's (set on the operator by
    the DAG builder); the cache lives in the blob store, shared by every run."""

    ui_color = "#dbeafe"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        entity = self.workflow.spec.entity(self.workflow.spec.nodes[self.node])
        self.operator_extra_links = deck_links(entity)

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        inputs = resolver.inputs(self.node, self.task_id)
        key = set_idempotency_key(context, self.task_id, generation_start(context["ti"], self.retries))
        assert isinstance(entity, Task), "the DAG builder gives map and dynamic nodes operators of their own"
        decks = instance_decks(self, context, store)
        outputs = run_entity(
            self.task_id,
            entity,
            inputs,
            store,
            execution=(context["run_id"], key),
            input_hashes=resolver.input_hashes(self.node),
            deck=decks.sink(STATIC_NODE),
        )
        decks.push(context)
        return outputs
