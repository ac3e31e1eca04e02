"""flytekit's gates: ``sleep(duration)``, ``wait_for_input(name, timeout, expected_type)`` and
``approve(upstream_item, name, timeout)``.

A gate is a node that runs no user code: it waits (a timer, a value a person enters, or a person's
approval) and then lets the graph go on. In a ``@workflow`` or ``@dynamic`` body each call records a
``gate`` node and returns a promise (a void one for ``sleep``), so ``>>`` orders it like any call.

Locally they behave as flytekit's local execution does: ``sleep`` passes at once (it prints that it
"mock" sleeps), ``wait_for_input`` reads one line from standard input (any line is ``True`` for a
bool), and ``approve`` shows the value and goes on unless the answer is ``n``. On Airflow they become
the standard provider's human-in-the-loop operators and a deferral (``airflow.operators.gate_operators``).

The entered value is one of ``bool``, ``int``, ``float`` and ``str``: what flytekit's local prompt
parses and what Airflow's Required Actions form enters as JSON, so no entered text is ever decoded
as anything richer (nothing is unpickled or imported for it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Literal

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.promise import Promise
from airflow_dynflow.core.authoring.tracing import Trace, current_frame
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.interface import Interface, Param, check_value
from airflow_dynflow.core.options import NO_OPTIONS, Options
from airflow_dynflow.core.origin import Origin
from airflow_dynflow.core.spec import TaskEntry

__all__ = ["DEFAULT_TIMEOUT", "ENTERED_TYPES", "Gate", "GateKind", "approve", "sleep", "wait_for_input"]

GateKind = Literal["sleep", "input", "approve"]

# flytekit's default when a gate is given no timeout.
DEFAULT_TIMEOUT = timedelta(hours=1)
# The types a person can enter, by the name a spec records them under.
ENTERED_TYPES: dict[str, type] = {"bool": bool, "int": int, "float": float, "str": str}
# The name flytekit gives every sleep gate.
SLEEP_NAME = "sleep-gate"
# Built-in entities live here; a spec names them by kind, never by an importable reference.
_BUILT_IN = Origin("airflow_dynflow.core.authoring.gates:Gate", None, "")


def sleep(duration: timedelta) -> Any:
    """Wait ``duration`` before the nodes ordered after it (``sleep(...) >> t()``) run."""
    seconds = _seconds("sleep", "duration", duration)
    return _call(Gate.create(SLEEP_NAME, "sleep", seconds, {}, {}), {})


def wait_for_input(name: str, timeout: timedelta, expected_type: type) -> Any:
    """A value of ``expected_type`` that a person enters, as a promise; the gate fails after ``timeout``."""
    seconds = _seconds(name, "timeout", timeout)
    if expected_type not in ENTERED_TYPES.values():
        raise errors.gate_type_not_enterable(name, expected_type, list(ENTERED_TYPES))
    return _call(Gate.create(name, "input", seconds, {}, {"o0": expected_type}), {})


def approve(upstream_item: Any, name: str, timeout: timedelta) -> Any:
    """``upstream_item`` again, once a person approved it; the gate fails when they reject it or
    after ``timeout``."""
    seconds = _seconds(name, "timeout", timeout)
    if upstream_item is None or (isinstance(upstream_item, Promise) and not upstream_item._ref.output):
        raise errors.approve_nothing()
    if isinstance(upstream_item, Promise):
        var, tp = upstream_item._ref.output, upstream_item._type
    else:
        # Outside a body the value is plain and has no output name: flytekit calls it ``o0``.
        var, tp = "o0", Any
    return _call(Gate.create(name, "approve", seconds, {var: tp}, {var: tp}), {var: upstream_item})


def _seconds(name: str, argument: str, value: Any) -> float:
    if value is None and argument == "timeout":
        value = DEFAULT_TIMEOUT
    if not isinstance(value, timedelta):
        raise errors.gate_not_a_timedelta(name, argument, value)
    return value.total_seconds()


def _call(gate: Gate, bound: Mapping[str, Any]) -> Any:
    frame = current_frame()
    if isinstance(frame, Trace):
        return frame.outputs_of(frame.add_node(gate, bound), gate)
    outputs = gate.run_node(bound, NO_OPTIONS)
    return next(iter(outputs.values())) if outputs else None


def _params(types: Mapping[str, Any]) -> dict[str, Param]:
    return {n: Param(name=n, tp=tp, converter=converter_for(tp)) for n, tp in types.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Gate:
    """A gate node's entity. ``seconds`` is a sleep's duration, or how long the other two wait for a
    person before the gate fails."""

    name: str
    gate: GateKind
    seconds: float
    interface: Interface

    kind: ClassVar[str] = "gate"
    options: ClassVar[Options] = NO_OPTIONS
    origin: ClassVar[Origin] = _BUILT_IN

    @classmethod
    def create(
        cls,
        name: str,
        gate: GateKind,
        seconds: float,
        inputs: Mapping[str, Any],
        outputs: Mapping[str, Any],
    ) -> Gate:
        interface = Interface(
            entity=name, inputs=_params(inputs), outputs=_params(outputs), output_tuple=None, doc=""
        )
        return cls(name=name, gate=gate, seconds=seconds, interface=interface)

    @property
    def expected_type(self) -> type | None:
        """The type a person enters at a ``wait_for_input`` gate (None for the other two)."""
        return self.interface.outputs["o0"].tp if self.gate == "input" else None

    def check_entered(self, value: Any) -> Any:
        """An entered value checked against ``expected_type``: our usual TypeMismatchError, naming
        the gate, the type it expects and the one it got."""
        return check_value(self.name, "input", self.interface.outputs["o0"], value)

    def run_node(
        self, bound: Mapping[str, Any], options: Options, input_hashes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """What flytekit's local execution does (``flytekit.core.gate.Gate.local_execute``)."""
        if self.gate == "sleep":
            print(f"Mock sleeping for {timedelta(seconds=self.seconds)}")
            return {}
        if self.gate == "input":
            return {"o0": self._read_value()}
        ((var, value),) = bound.items()
        print(f"Pausing execution for {self.name}, literal value is:\n")
        print(value)
        print("approve [Y/n]: ")
        if input() == "n":
            raise errors.not_approved(self.name)
        return {var: value}

    def _read_value(self) -> Any:
        tp = self.expected_type
        ask = "press Enter to continue..." if tp is bool else "please enter value..."
        print(f"Execution stopped for gate {self.name}, {ask}")
        line = input("")
        if tp is bool:
            return True
        assert tp is not None
        return tp(line)

    def task_entry(self, key: str) -> TaskEntry:
        return TaskEntry(
            key=key,
            ref=_BUILT_IN.ref,
            file=None,
            version="",
            kind="gate",
            options=NO_OPTIONS,
            map=None,
            entity=self,
        )

    def to_json(self) -> dict[str, Any]:
        entered = self.expected_type
        out: dict[str, Any] = {"gate": self.gate, "name": self.name, "seconds": self.seconds}
        if entered is not None:
            out["type"] = entered.__name__
        return out

    @classmethod
    def from_json(
        cls, key: str, gate: GateKind, name: str, seconds: float, entered: str | None, inputs: list[str]
    ) -> Gate:
        """Rebuild from a verified spec. An approve gate's type is ``Any`` until the reader types it
        from the node that feeds it (``retyped``): a spec names where values come from, not types."""
        if seconds < 0:
            raise errors.spec_bad_gate(key, "seconds", seconds)
        if gate == "input":
            if entered not in ENTERED_TYPES:
                raise errors.spec_bad_gate(key, "type", entered)
            return cls.create(name, gate, seconds, {}, {"o0": ENTERED_TYPES[entered]})
        if gate == "approve":
            if len(inputs) != 1:
                raise errors.spec_bad_gate(key, "inputs", inputs)
            return cls.create(name, gate, seconds, {inputs[0]: Any}, {inputs[0]: Any})
        return cls.create(name, gate, seconds, {}, {})

    def retyped(self, tp: Any) -> Gate:
        """An approve gate whose value is of type ``tp``."""
        (var,) = self.interface.inputs
        return Gate.create(self.name, self.gate, self.seconds, {var: tp}, {var: tp})
