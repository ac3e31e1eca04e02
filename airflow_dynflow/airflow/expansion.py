"""One compiled dynamic on Airflow: where its futures spec is, and how nodes map to task instances.

The compile task writes the spec to the blob store and pushes only this small reference to XCom
(key ``spec``). Generated node ``n{i}`` runs in map index ``i // batch`` of the generated-node task:
one node per mapped instance, unless the spec has more nodes than ``[core] max_map_length``, in
which case contiguous runs of ``batch`` nodes share an instance. Because nodes are in topological
order, a batch only ever waits on earlier batches.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any

from airflow_dynflow.airflow.store import BlobStore
from airflow_dynflow.core.errors import SpecError
from airflow_dynflow.core.spec import Spec, node_id

__all__ = ["Expansion", "digest_of", "load_spec"]


@dataclass(frozen=True, slots=True)
class Expansion:
    uri: str
    digest: str
    count: int
    batch: int

    @classmethod
    def plan(cls, uri: str, digest: str, count: int, max_map_length: int) -> Expansion:
        batch = max(1, -(-count // max_map_length))
        return cls(uri, digest, count, batch)

    @classmethod
    def from_xcom(cls, data: dict[str, Any]) -> Expansion:
        return cls(**data)

    def to_xcom(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def instances(self) -> int:
        return -(-self.count // self.batch)

    def nodes_of(self, map_index: int) -> range:
        return range(map_index * self.batch, min((map_index + 1) * self.batch, self.count))

    def map_index_of(self, node: int) -> int:
        return node // self.batch

    def labels(self, spec: Spec) -> list[str]:
        """``n7 update_list`` per instance (``n0-n9 (10 nodes)`` when batched): the UI's map labels."""
        if self.batch == 1:
            return [
                f"{node_id(i)} {spec.nodes[i].options.name or spec.nodes[i].task}" for i in range(self.count)
            ]
        out = []
        for m in range(self.instances):
            nodes = self.nodes_of(m)
            out.append(f"{node_id(nodes[0])}-{node_id(nodes[-1])} ({len(nodes)} nodes)")
        return out


def digest_of(text: str) -> str:
    """The digest a spec's JSON ends with (``Spec.to_json`` always writes it last)."""
    return text.rsplit('"digest":"', 1)[1][:-2]


@functools.lru_cache(maxsize=8)
def load_spec(uri: str, digest: str) -> Spec:
    """Read and check a futures spec once per process: under ``dag.test()`` every node shares it."""
    text = BlobStore().read_text(uri)
    if digest_of(text) != digest:
        raise SpecError(f"the futures spec at {uri} is not the one compiled for this run")
    return Spec.from_json(text)
