"""One compiled dynamic on Airflow: where its futures spec is, and how nodes map to task instances.

The compile task writes the spec to the blob store and pushes only this small, signed reference to
XCom (key ``spec``). Generated node ``n{i}`` runs in map index ``i // batch`` of the generated-node
task: one node per mapped instance, unless the dynamic packs them (``nodes_per_instance``) or the
spec has more nodes than ``[core] max_map_length``; then contiguous runs of ``batch`` nodes share
an instance. Because nodes are in
topological order, a batch only ever waits on earlier batches.

A generated instance reads only its own slice of the spec (``instance_spec``), which also carries
the expansion, so it never pulls the reference; the whole spec is read by the tasks that need all of
it (``compiled``: the result task).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from airflow.sdk import Context

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.futures_spec import read_futures_spec, read_spec_slice, spec_path
from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec import Spec, node_id
from airflow_dynflow.core.wire.spec_slice import SpecSlice, instance_count, instance_nodes

__all__ = [
    "Expansion",
    "batch_of",
    "compiled",
    "instance_spec",
    "missing_node",
    "node_location",
    "pushed_expansion",
]

_FIELDS = ("key", "digest", "count", "batch")


@dataclass(frozen=True, slots=True, kw_only=True)
class Expansion:
    key: str  # where the spec is in the blob store
    digest: str
    count: int
    batch: int

    @classmethod
    def plan(
        cls, key: str, digest: str, count: int, max_map_length: int, nodes_per_instance: int = 1
    ) -> Expansion:
        return cls(
            key=key, digest=digest, count=count, batch=batch_of(count, max_map_length, nodes_per_instance)
        )

    @classmethod
    def from_xcom(cls, data: object, signer: Signer, where: str) -> Expansion:
        """The reference a compile task pushed, once its shape and signature are checked."""
        if not isinstance(data, dict) or set(data) != {*_FIELDS, "sig"}:
            raise errors.bad_spec_reference(where)
        key, digest, count, batch = (data[f] for f in _FIELDS)
        typed = isinstance(key, str) and isinstance(digest, str)
        if not (typed and type(count) is int and type(batch) is int and count >= 0 and batch >= 1):
            raise errors.bad_spec_reference(where)
        if not signer.verify(data["sig"], "expansion", where, key, digest, str(count), str(batch)):
            raise errors.forged_spec_reference(where, signer.mismatch(data["sig"]))
        return cls(key=key, digest=digest, count=count, batch=batch)

    def to_xcom(self, signer: Signer, where: str) -> dict[str, Any]:
        signature = signer.sign("expansion", where, self.key, self.digest, str(self.count), str(self.batch))
        return {
            "key": self.key,
            "digest": self.digest,
            "count": self.count,
            "batch": self.batch,
            "sig": signature,
        }

    @property
    def instances(self) -> int:
        return instance_count(self.count, self.batch)

    def nodes_of(self, map_index: int) -> range:
        return instance_nodes(self.count, self.batch, map_index)

    def map_index_of(self, node: int) -> int:
        return node // self.batch

    def labels(self, spec: Spec) -> list[str]:
        """``n7 update_list`` per instance (``n0-n9 (10 nodes)`` when batched): the UI's map labels."""
        return [self.label_of(m, spec) for m in range(self.instances)]

    def label_of(self, map_index: int, spec: Spec | SpecSlice) -> str:
        """Instance ``map_index``'s label; a slice knows it for its own instance and its dependencies."""
        if self.batch == 1:
            node = spec.nodes[map_index]
            return f"{node_id(map_index)} {node.options.name or node.task}"
        nodes = self.nodes_of(map_index)
        return f"{node_id(nodes[0])}-{node_id(nodes[-1])} ({len(nodes)} nodes)"


def batch_of(count: int, max_map_length: int, nodes_per_instance: int = 1) -> int:
    """Nodes per instance: one, unless the dynamic packs them or there are more nodes than Airflow
    maps; then contiguous runs of nodes share an instance."""
    return max(1, nodes_per_instance, -(-count // max_map_length))


def compiled(context: Context, compile_id: str, signer: Signer) -> tuple[Expansion, Spec]:
    """The expansion a compile task pushed in this run, and its futures spec (checked)."""
    expansion = pushed_expansion(context, compile_id, signer)
    return expansion, read_futures_spec(expansion.key, expansion.digest, compile_id)


def instance_spec(
    context: Context, compile_id: str, store: BlobStore, signer: Signer, map_index: int
) -> tuple[Expansion, Spec | SpecSlice]:
    """The expansion, and the slice of its spec that instance ``map_index`` runs (checked): one
    read of the blob store, and no execution-API request.

    A run compiled before slices had their fixed key has none there; its instances pull the
    expansion and read the whole spec."""
    dag_id, run_id = context["ti"].dag_id, context["run_id"]
    try:
        part = read_spec_slice(store, signer, dag_id, run_id, compile_id, map_index)
    except FileNotFoundError:
        expansion = pushed_expansion(context, compile_id, signer)
        return expansion, read_futures_spec(expansion.key, expansion.digest, compile_id)
    key = store.key_of(spec_path(store.run_path(dag_id, run_id, compile_id), part.spec_digest))
    return Expansion(key=key, digest=part.spec_digest, count=part.count, batch=part.batch), part


def pushed_expansion(context: Context, compile_id: str, signer: Signer) -> Expansion:
    """The expansion a compile task pushed in this run, its signature checked."""
    ti = context["ti"]
    data = ti.xcom_pull(task_ids=compile_id, key="spec")
    if data is None:
        raise errors.no_futures_spec(compile_id)
    where = location(ti.dag_id, context["run_id"], compile_id) + "/spec"
    return Expansion.from_xcom(data, signer, where)


def node_location(context: Context, nodes_id: str, expansion: Expansion, index: int) -> str:
    """Where generated node ``index``'s outputs come from (see ``store.payloads.location``)."""
    where = location(context["ti"].dag_id, context["run_id"], nodes_id, expansion.map_index_of(index))
    return f"{where}/{node_id(index)}"


def missing_node(
    spec: Spec | SpecSlice, expansion: Expansion, nodes_id: str
) -> Callable[[str, str, int], errors.MissingUpstreamError]:
    """The error for a generated node without outputs (marked success, say): the fix is to clear
    that node's instance, named by its label and map index."""

    def missing(consumer: str, input_name: str, index: int) -> errors.MissingUpstreamError:
        map_index = expansion.map_index_of(index)
        where = f"generated node {spec.label(index)}"
        return errors.missing_upstream_node(
            consumer, input_name, where, expansion.label_of(map_index, spec), nodes_id, map_index
        )

    return missing
