"""``create_node(entity, **inputs)``: a call that hands back the node, as flytekit's does.

In a workflow or dynamic body it records the call like ``entity(**inputs)`` and returns a
``NodeCall``: its outputs by name (``node.outputs["o0"]`` or ``node.o0``), and ``>>`` to order it
against other nodes or promises. Called outside any body it runs the entity now; the outputs are
then plain values and ordering means nothing.
"""

from __future__ import annotations

from typing import Any

from airflow_dynflow.core.authoring.promise import Promise
from airflow_dynflow.core.protocols import Entity

__all__ = ["NodeCall", "create_node"]


class NodeCall:
    __slots__ = ("_anchor", "outputs")

    def __init__(self, entity: Entity, result: Any) -> None:
        names = list(entity.interface.outputs)
        if not names:
            self.outputs: dict[str, Any] = {}
        elif entity.interface.output_tuple is not None:
            self.outputs = dict(zip(names, result, strict=True))
        else:
            self.outputs = {names[0]: result}
        # What ``>>`` orders by: any promise of the call (all of a call's outputs share its node).
        self._anchor = result if not names else next(iter(self.outputs.values()))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.outputs[name]
        except KeyError:
            raise AttributeError(name) from None

    def __rshift__(self, other: Any) -> Any:
        then = other._anchor if isinstance(other, NodeCall) else other
        if isinstance(self._anchor, Promise):
            self._anchor >> then
        return other

    def __rrshift__(self, other: Any) -> Any:
        if isinstance(other, Promise) and isinstance(self._anchor, Promise):
            other >> self._anchor
        return self

    def with_overrides(self, **options: Any) -> NodeCall:
        if isinstance(self._anchor, Promise):
            self._anchor.with_overrides(**options)
        return self


def create_node(entity: Entity, **inputs: Any) -> NodeCall:
    return NodeCall(entity, entity(**inputs))
