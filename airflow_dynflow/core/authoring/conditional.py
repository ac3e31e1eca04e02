"""flytekit's ``conditional("name").if_(...).then(...).elif_(...).then(...).else_().then(...)``.

A conditional becomes three things in a spec, so that every runner can follow it without knowing
the user's Python:

* a **decide** node: its inputs are the promises the conditions compare, its entity holds the
  conditions as data, and its one output ``branch`` is the number of the first case whose condition
  holds (or it fails with the ``fail()`` message);
* the nodes of each case, each carrying a **guard** ``(decide node, case number)``: a node runs only
  when its case was taken (and, for a nested conditional, when the outer case was taken too);
* a **select** node: it waits for every case, then passes on the outputs of the one taken, so
  later nodes read one promise whichever case ran.

Locally the reference runner skips the cases not taken; on Airflow a static workflow's decide node
is a branch operator that skips them, and inside a ``@dynamic`` the generated nodes of the other
cases skip themselves.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, NamedTuple

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.comparisons import JOINS, Condition
from airflow_dynflow.core.authoring.promise import Known, Promise
from airflow_dynflow.core.authoring.tracing import Trace, current_frame
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.interface import Interface, Param
from airflow_dynflow.core.conversion.type_relations import is_assignable
from airflow_dynflow.core.options import NO_OPTIONS, Options
from airflow_dynflow.core.origin import Origin
from airflow_dynflow.core.spec import Binding, Ref, TaskEntry

__all__ = [
    "ConditionalSection",
    "Decide",
    "Select",
    "conditional",
    "select_input",
]

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_PRIMITIVES = (type(None), bool, int, float, str)
# Built-in entities live here; a spec names them by kind, never by an importable reference.
_BUILT_IN = Origin("airflow_dynflow.core.authoring.conditional:conditional", None, "")


def conditional(name: str) -> ConditionalSection:
    """Start a conditional inside a ``@workflow`` or ``@dynamic`` body."""
    frame = current_frame()
    if not isinstance(frame, Trace):
        raise errors.conditional_outside_body(name)
    return ConditionalSection(name, frame)


class ConditionalSection:
    """The builder behind the fluent chain; also the ``Case`` flytekit returns from ``if_``.

    ``if_``/``elif_``/``else_`` open a case (task calls made until ``then`` belong to it), ``then``
    closes it. The chain is always ``if_ then (elif_ then)* else_ (then|fail)``.
    """

    def __init__(self, name: str, trace: Trace) -> None:
        self.name = name
        self.trace = trace
        self.cases: list[Any] = []  # one condition tree per case; None for else
        self.results: list[tuple[Promise, ...] | None] = []  # None: the case ends in fail()
        self.spans: list[range] = []
        self.fail_message: str | None = None
        self.decide: int | None = None
        self.operands: dict[str, Promise] = {}  # x0, x1 ...: the promises the conditions read
        self._operand_names: dict[Ref, str] = {}
        self._open: int | None = None  # first node of the open case
        self._finished = False
        trace.open_conditionals.append(self)

    def if_(self, expr: Any) -> ConditionalSection:
        if self.cases or self._open is not None:
            raise errors.conditional_misplaced(self.name, "if_()")
        return self._start(expr, "if_")

    def elif_(self, expr: Any) -> ConditionalSection:
        if not self.cases or self._open is not None or self._finished:
            raise errors.conditional_misplaced(self.name, "elif_()")
        return self._start(expr, "elif_")

    def else_(self) -> ConditionalSection:
        if not self.cases or self._open is not None or self._finished:
            raise errors.conditional_misplaced(self.name, "else_()")
        self.cases.append(None)
        self._enter()
        return self

    def then(self, result: Any) -> Any:
        """Close the open case with its result: promises of calls made in it, or workflow inputs."""
        if self._open is None:
            raise errors.conditional_misplaced(self.name, "then()")
        self.results.append(self._promises(result))
        self._leave()
        return self._finish() if self.cases[-1] is None else self

    def fail(self, message: str) -> Any:
        """Close the ``else_`` case with a failure: the run fails with ``message`` when it is taken."""
        if self._open is None or self.cases[-1] is not None:
            raise errors.conditional_misplaced(self.name, "fail()")
        self.fail_message = message
        self.results.append(None)
        self._leave()
        return self._finish()

    def _start(self, expr: Any, where: str) -> ConditionalSection:
        self.cases.append(self._tree(expr, where))
        decide = self._decide()
        if self.decide is None:
            self.decide = self.trace.add_node(decide, dict(self.operands))
        else:
            self.trace.replace_node(self.decide, decide, dict(self.operands))
        self._enter()
        return self

    def _decide(self) -> Decide:
        return Decide.create(self.name, tuple(self.cases), self.fail_message, tuple(self.operands))

    def _enter(self) -> None:
        assert self.decide is not None
        self._open = len(self.trace.nodes)
        self.trace.guards.append((self.decide, len(self.cases) - 1))

    def _leave(self) -> None:
        assert self._open is not None
        self.spans.append(range(self._open, len(self.trace.nodes)))
        self.trace.guards.pop()
        self._open = None

    def _tree(self, expr: Any, where: str) -> Any:
        """The condition as data: comparisons of operand inputs (``x0``...) and constants."""
        if isinstance(expr, bool):
            return {"v": expr}
        if isinstance(expr, Promise):
            raise errors.condition_is_a_promise(self.name, where, expr)
        if isinstance(expr, Condition) and expr.op in JOINS:
            return {expr.op: [self._tree(expr.left, where), self._tree(expr.right, where)]}
        if isinstance(expr, Condition):
            return {
                "cmp": expr.op,
                "l": self._operand(expr.left, where),
                "r": self._operand(expr.right, where),
            }
        raise errors.condition_not_an_expression(self.name, where, expr)

    def _operand(self, value: Any, where: str) -> dict[str, Any]:
        if isinstance(value, Promise):
            ref = value._ref
            if isinstance(ref, Known):  # known while tracing: compared as the constant it is
                return self._operand(ref.const.value, where)
            if ref.node is not None and self.decide is not None and ref.node >= self.decide:
                raise errors.condition_uses_branch_promise(self.name, where, value._source)
            name = self._operand_names.setdefault(ref, f"x{len(self._operand_names)}")
            self.operands[name] = value
            return {"in": name}
        if not isinstance(value, _PRIMITIVES):
            raise errors.condition_constant(self.name, where, value)
        return {"v": value}

    def _promises(self, result: Any) -> tuple[Promise, ...]:
        if isinstance(result, Promise):
            return () if not result._ref.output else (result,)
        if isinstance(result, tuple) and result and all(isinstance(p, Promise) for p in result):
            return tuple(result)
        raise errors.then_needs_promises(self.name, result)

    def _finish(self) -> Any:
        self._finished = True
        self.trace.open_conditionals.remove(self)
        assert self.decide is not None
        self.trace.replace_node(self.decide, self._decide(), dict(self.operands))
        cases = _named_values(self.results)
        select = Select.for_cases(self.name, cases)
        bound: dict[str, Any] = {"branch": Promise(Ref(self.decide, "branch"), int, self.name, self.trace)}
        # Only the else case can fail, so the cases giving values are numbered as the decide's.
        for case, values in enumerate(cases):
            for name in select.interface.outputs:
                bound[select_input(case, name)] = values[name]
        after = tuple(i for span in self.spans for i in span)
        index = self.trace.add_node(select, bound, after=after, sees_cases=True)
        return self.trace.outputs_of(index, select)


def select_input(case: int, output: str) -> str:
    """The select node's input carrying ``output`` of case ``case``: ``1.o0``."""
    return f"{case}.{output}"


def _interface(name: str, inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> Interface:
    def params(types: Mapping[str, Any]) -> dict[str, Param]:
        return {n: Param(name=n, tp=tp, converter=converter_for(tp)) for n, tp in types.items()}

    return Interface(entity=name, inputs=params(inputs), outputs=params(outputs), output_tuple=None, doc="")


@dataclass(frozen=True, slots=True, kw_only=True)
class Decide:
    """The decide node's entity: which case of a conditional is taken, from its operands' values."""

    name: str
    cases: tuple[Any, ...]
    fail: str | None
    interface: Interface

    kind: ClassVar[str] = "decide"
    options: ClassVar[Options] = NO_OPTIONS
    origin: ClassVar[Origin] = _BUILT_IN

    @classmethod
    def create(cls, name: str, cases: tuple[Any, ...], fail: str | None, operands: Sequence[str]) -> Decide:
        interface = _interface(name, dict.fromkeys(operands, Any), {"branch": int})
        return cls(name=name, cases=cases, fail=fail, interface=interface)

    def run_node(
        self, bound: Mapping[str, Any], options: Options, input_hashes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """The first case whose condition holds; the last one is the ``else_``."""
        *conditions, _ = self.cases
        for number, tree in enumerate(conditions):
            if _holds(tree, bound):
                return {"branch": number}
        if self.fail is not None:
            raise errors.condition_failed(self.name, self.fail)
        return {"branch": len(conditions)}

    def task_entry(self, key: str) -> TaskEntry:
        return _built_in_entry(key, self)

    def to_json(self) -> dict[str, Any]:
        return {"conditions": list(self.cases[:-1]), "fail": self.fail}

    @classmethod
    def from_json(cls, name: str, operands: Sequence[str], conditions: list[Any], fail: str | None) -> Decide:
        """Rebuild from a verified spec, checking that every condition reads a declared operand."""
        if not conditions:
            raise errors.spec_no_conditions(name)
        for tree in conditions:
            _check_tree(name, tree, set(operands))
        return cls.create(name, (*conditions, None), fail, operands)


def _holds(tree: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    if "v" in tree:
        return bool(tree["v"])
    if "&" in tree:
        return all(_holds(t, values) for t in tree["&"])
    if "|" in tree:
        return any(_holds(t, values) for t in tree["|"])
    left, right = (values[o["in"]] if "in" in o else o["v"] for o in (tree["l"], tree["r"]))
    return bool(_COMPARE[tree["cmp"]](left, right))


def _check_tree(name: str, tree: Any, inputs: set[str]) -> None:
    if not isinstance(tree, dict) or len(tree) not in (1, 3):
        raise errors.spec_bad_condition(name, repr(tree))
    if set(tree) == {"v"}:
        if not isinstance(tree["v"], bool):
            raise errors.spec_bad_condition(name, repr(tree))
        return
    for op in ("&", "|"):
        if set(tree) == {op}:
            if not isinstance(tree[op], list) or len(tree[op]) != 2:
                raise errors.spec_bad_condition(name, repr(tree))
            for part in tree[op]:
                _check_tree(name, part, inputs)
            return
    if set(tree) != {"cmp", "l", "r"} or tree["cmp"] not in _COMPARE:
        raise errors.spec_bad_condition(name, repr(tree))
    for operand in (tree["l"], tree["r"]):
        valid = isinstance(operand, dict) and (
            (set(operand) == {"in"} and operand["in"] in inputs)
            or (set(operand) == {"v"} and isinstance(operand["v"], _PRIMITIVES))
        )
        if not valid:
            raise errors.spec_bad_condition(name, repr(operand))


@dataclass(frozen=True, slots=True, kw_only=True)
class Select:
    """The select node's entity: the outputs of the case taken, under one set of promises.

    Its outputs are those every case gives, in the first case's order and with its types (cases may
    give different numbers of values: see ``_named_values``). Every other case's value must be
    assignable to the first case's type. ``cases`` counts the cases that give values: all of them,
    or all but an else ending in ``fail()``.
    """

    name: str
    cases: int
    interface: Interface

    kind: ClassVar[str] = "select"
    options: ClassVar[Options] = NO_OPTIONS
    origin: ClassVar[Origin] = _BUILT_IN

    @classmethod
    def create(cls, name: str, cases: int, output_types: Mapping[str, Any]) -> Select:
        inputs: dict[str, Any] = {"branch": int}
        for case in range(cases):
            inputs.update({select_input(case, o): Any for o in output_types})
        interface = _interface(name, inputs, output_types)
        if len(output_types) > 1:
            fields = list(output_types.items())
            output_tuple: type = NamedTuple("DefaultNamedTupleOutput", fields)  # type: ignore[misc]
            interface = replace(interface, output_tuple=output_tuple)
        return cls(name=name, cases=cases, interface=interface)

    @classmethod
    def for_cases(cls, name: str, cases: Sequence[Mapping[str, Promise]]) -> Select:
        """The select of the cases that give values, each by output name (``_named_values``).
        A case that returns nothing leaves no output in common: the conditional returns nothing."""
        first = cases[0] if cases else {}
        common = [n for n in first if all(n in case for case in cases)]
        for case in cases[1:]:
            for out in common:
                want, promise = first[out], case[out]
                if not is_assignable(promise._type, want._type):
                    raise errors.case_type_mismatch(name, out, want._type, promise._type, promise._source)
        return cls.create(f"{name}_result", len(cases), {n: first[n]._type for n in common})

    def resolve(self, bindings: Mapping[str, Binding], value: Callable[[str], Any]) -> dict[str, Any]:
        """The select's inputs, resolved by ``value(name)``: ``branch`` first, then only the values
        of the case it names; the other cases never ran, so their values never existed."""
        branch = value("branch")
        names = (select_input(branch, o) for o in self.interface.outputs)
        return {"branch": branch, **{n: value(n) for n in names if n in bindings}}

    def run_node(
        self, bound: Mapping[str, Any], options: Options, input_hashes: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        branch = bound["branch"]
        return {o: bound[select_input(branch, o)] for o in self.interface.outputs}

    def task_entry(self, key: str) -> TaskEntry:
        return _built_in_entry(key, self)

    def to_json(self) -> dict[str, Any]:
        return {"cases": self.cases}


def _named_values(results: Sequence[tuple[Promise, ...] | None]) -> list[dict[str, Promise]]:
    """The values of each case that gives some (not a ``fail()``), by the output name they fill.

    Cases that give as many values as each other fill the first case's outputs position by
    position (as flytekit's local runs do, and so a workflow input can be a case's value). Cases
    that give different numbers are matched by name, as flytekit's ``compute_output_vars``:
    ``(sum, div, sub)`` and ``(sum, sub)`` give ``sum`` and ``sub``.
    """
    given = [r for r in results if r is not None]
    first = _by_name(given[0]) if given else {}
    if len({len(r) for r in given}) == 1:
        return [dict(zip(first, r, strict=True)) for r in given]
    return [_by_name(r) for r in given]


def _by_name(promises: Sequence[Promise]) -> dict[str, Promise]:
    """Values by output name (``o0``, or a NamedTuple's fields); by position (``o0``, ``o1`` ...)
    when names clash, as in ``then((t1(), t2()))`` of two single-output calls."""
    names = [p._ref.output for p in promises]
    if len(set(names)) != len(names):
        names = [f"o{i}" for i in range(len(names))]
    return dict(zip(names, promises, strict=True))


def _built_in_entry(key: str, entity: Decide | Select) -> TaskEntry:
    return TaskEntry(
        key=key,
        ref=_BUILT_IN.ref,
        file=None,
        version="",
        kind=entity.kind,  # type: ignore[arg-type]
        options=NO_OPTIONS,
        map=None,
        entity=entity,
    )
