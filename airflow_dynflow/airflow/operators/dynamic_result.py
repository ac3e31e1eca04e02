"""The result task of a ``@dynamic``: its outputs, resolved from its generated nodes, as one
envelope for whatever is downstream (or for the parent node of a child run)."""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator, Context

from airflow_dynflow.airflow.runtime.expansion import compiled, missing_node, node_location
from airflow_dynflow.airflow.runtime.inputs import Resolver
from airflow_dynflow.airflow.runtime.upstream import UpstreamEnvelopes
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.spec import nodes_read

__all__ = ["DynamicResultOperator"]


class DynamicResultOperator(BaseOperator):
    ui_color = "#dcfce7"

    def __init__(self, *, compile_id: str, nodes_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.compile_id = compile_id
        self.nodes_id = nodes_id

    def execute(self, context: Context) -> Any:
        signer = deployment_signer()
        expansion, spec = compiled(context, self.compile_id, signer)
        ti = context["ti"]
        store = BlobStore()
        payloads = Payloads(store, signer, download=False)
        upstream = UpstreamEnvelopes(ti, self.nodes_id, expansion, payloads)
        upstream.prefetch(nodes_read(spec.outputs.values()))
        resolver = Resolver(
            spec=spec,
            payloads=payloads,
            fetch=upstream.envelope,
            describe=lambda index: f"generated node {spec.label(index)}",
            locate=lambda index: node_location(context, self.nodes_id, expansion, index),
            missing=missing_node(spec, expansion, self.nodes_id),
            signed=False,
        )
        interface = spec.owner.interface
        values = {
            name: interface.check_output(name, resolver.value(b, self.task_id, name))
            for name, b in spec.outputs.items()
        }
        base = store.run_path(self.dag_id, context["run_id"], self.task_id)
        where = location(self.dag_id, context["run_id"], self.task_id)
        return payloads.encode_outputs(interface, values, base, where)
