"""Generated nodes' output envelopes, read from the instances that pushed them: each instance's at
most once, its signature checked once, and many instances' in one execution-API request.

A fan-in (``total`` over 1,000 nodes) used to pull one XCom per upstream *node*: 1,000 requests, and
10,000 when nodes are batched ten to an instance (each instance's envelope was pulled again for
every node in it). Now an instance's value is pulled once, and when more than ``_FEW`` instances
are wanted, one ``GetXComSequenceSlice`` returns the return values of the generated-node task in
map-index order (``compat.mapped_return_values``).

That request slices the rows that exist and returns values without their map index: the k-th
value is the k-th instance *that pushed*, not map index k. Every map index has at most one row, so
the first ``max(wanted) + 1`` rows hold every wanted instance that pushed, and each value is placed
by the node ids under its ``nodes`` (``{"sig": ..., "nodes": {"n7": {...}}}`` comes from the
instance that runs ``n7``). Placing by content trusts nothing: before any envelope in a value is
used, the value's one signature is checked against the place it was put at (run, task, map index;
``Payloads.verify_instance``), and it covers every node id and envelope in it. A wanted instance
whose value could not be placed is pulled on its own, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.runtime.expansion import Expansion
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.spec import node_id

__all__ = ["UpstreamEnvelopes"]

# Up to this many instances are pulled one by one; past it, in one request.
_FEW = 4


class UpstreamEnvelopes:
    """The envelopes of generated nodes that ran in other instances of ``nodes_id`` in this run.

    They carry no signatures of their own (their instance's covers them): decode them with
    ``Payloads.decode(..., signed=False)``.
    """

    def __init__(self, ti: Any, nodes_id: str, expansion: Expansion, payloads: Payloads) -> None:
        self.ti = ti
        self.nodes_id = nodes_id
        self.expansion = expansion
        self.payloads = payloads
        self._pushed: dict[int, Any] = {}
        self._verified: dict[int, dict[str, Any] | None] = {}

    def prefetch(self, nodes: Iterable[int]) -> None:
        """Read the instances that ran ``nodes`` in one request, when there are more than a few."""
        wanted = sorted(
            {self.expansion.map_index_of(n) for n in nodes} - set(self._pushed) - set(self._verified)
        )
        if len(wanted) <= _FEW:
            return
        values = compat.mapped_return_values(self.ti.dag_id, self.ti.run_id, self.nodes_id, wanted[-1] + 1)
        for value in values:
            map_index = self._instance_of(value)
            if map_index is not None and map_index not in self._pushed and map_index not in self._verified:
                self._pushed[map_index] = value

    def envelope(self, index: int) -> Any:
        """Generated node ``index``'s outputs envelope from the instance that ran it, or None."""
        nodes = self._nodes_of(self.expansion.map_index_of(index))
        return None if nodes is None else nodes.get(node_id(index))

    def _nodes_of(self, map_index: int) -> dict[str, Any] | None:
        """The envelopes by node id that instance ``map_index`` pushed (None if it pushed nothing),
        its signature checked on first use."""
        if map_index not in self._verified:
            if map_index not in self._pushed:
                self._pushed[map_index] = self.ti.xcom_pull(task_ids=self.nodes_id, map_indexes=map_index)
            pushed = self._pushed.pop(map_index)
            where = location(self.ti.dag_id, self.ti.run_id, self.nodes_id, map_index)
            self._verified[map_index] = (
                None if pushed is None else self.payloads.verify_instance(pushed, where)
            )
        return self._verified[map_index]

    def _instance_of(self, value: Any) -> int | None:
        """The map index whose nodes ``value`` holds outputs for, or None when it names no single one."""
        nodes = value.get("nodes") if isinstance(value, dict) else None
        if not isinstance(nodes, dict) or not nodes:
            return None
        found = set()
        for key in nodes:
            if not (isinstance(key, str) and key[:1] == "n" and key[1:].isdigit()):
                return None
            index = int(key[1:])
            if index >= self.expansion.count:
                return None
            found.add(self.expansion.map_index_of(index))
        return found.pop() if len(found) == 1 else None
