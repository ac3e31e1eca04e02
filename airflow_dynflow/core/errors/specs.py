"""Graph specs, their slices and signatures, task references, and compile bounds."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

from airflow_dynflow.core.errors.family import (
    CompileLimitError,
    DynflowValueError,
    SpecError,
)

if TYPE_CHECKING:
    from airflow_dynflow.core.signing import KeyMismatch

__all__ = [
    "compile_too_long",
    "no_keys",
    "reference_missing",
    "reference_not_an_entity",
    "reference_not_importable",
    "reference_unimportable",
    "reference_unloadable",
    "signed_with_another_key",
    "spec_bad_binding",
    "spec_bad_condition",
    "spec_bad_guard",
    "spec_bound_twice",
    "spec_constant_for_input_mismatch",
    "spec_constant_mismatch",
    "spec_kind_mismatch",
    "spec_malformed",
    "spec_map_without_settings",
    "spec_no_cases",
    "spec_no_conditions",
    "spec_no_output",
    "spec_not_earlier",
    "spec_not_json",
    "spec_slice_bad_stub",
    "spec_slice_lacks_node",
    "spec_slice_stub_unknown_task",
    "spec_slice_wrong_nodes",
    "spec_tampered",
    "spec_unbound_inputs",
    "spec_unknown_constant",
    "spec_unknown_input",
    "spec_unknown_map_input",
    "spec_unknown_output",
    "spec_unknown_task",
    "spec_unknown_workflow_input",
    "spec_without_digest",
    "stale_code",
    "too_many_nodes",
]


def reference_not_importable(ref: str) -> SpecError:
    return SpecError(f"task reference {ref!r} is not importable (define tasks at module level)")


def reference_missing(ref: str, module: str, qualname: str) -> SpecError:
    return SpecError(f"task reference {ref!r}: {module} has no {qualname}")


def reference_not_an_entity(ref: str) -> SpecError:
    return SpecError(f"task reference {ref!r} is not a task, dynamic or workflow")


def reference_unimportable(ref: str, module: str) -> SpecError:
    return SpecError(f"task reference {ref!r}: cannot import {module}")


def reference_unloadable(ref: str, file: str) -> SpecError:
    return SpecError(f"task reference {ref!r}: cannot load {file}")


def stale_code(ref: str, compiled: str, current: str) -> SpecError:
    return SpecError(
        f"task {ref!r} changed since the spec was compiled (version {compiled}, now {current}); "
        "recompile the dynamic instead of running stale code"
    )


def too_many_nodes(dynamic: str, limit: int) -> CompileLimitError:
    return CompileLimitError(
        f"{dynamic}: compiling stopped at node {limit + 1:,}: a dynamic may generate at most {limit:,} nodes",
        "max_nodes",
        limit,
    )


def compile_too_long(dynamic: str, seconds: float) -> CompileLimitError:
    return CompileLimitError(
        f"{dynamic}: compiling stopped after {seconds:g} s, the most a dynamic's body may take",
        "max_seconds",
        seconds,
    )


def no_keys() -> DynflowValueError:
    return DynflowValueError("a Signer needs at least one non-empty key")


def spec_not_json(detail: Any) -> SpecError:
    return SpecError(f"spec is not valid JSON: {detail}")


def spec_malformed(where: str, detail: str) -> SpecError:
    return SpecError(f"spec is malformed at {where}: {detail}")


def spec_bad_binding(where: str) -> SpecError:
    return spec_malformed(where, "a binding is an index, or an object with one key of n, i, v, c, list, dict")


def signed_with_another_key(mismatch: KeyMismatch) -> str:
    """The one wording of a key mismatch, for specs here and every signed object in the runtime."""
    return (
        f"it was signed with another key (fingerprint {mismatch.signed_with}) than the one(s) this "
        f"process holds ({', '.join(mismatch.held)})"
    )


def spec_tampered(mismatch: KeyMismatch | None = None) -> SpecError:
    if mismatch is not None:
        return SpecError(f"the spec's digest does not hold: {signed_with_another_key(mismatch)}")
    return SpecError(
        "the spec was modified after it was written, or signed with another key (digest mismatch)"
    )


def spec_without_digest() -> SpecError:
    return SpecError("the spec is truncated or not a spec: it does not end with its digest")


def spec_unknown_constant(where: str, key: str) -> SpecError:
    return SpecError(f"{where} uses shared constant {key!r}, which the spec's table does not hold")


def spec_map_without_settings(key: str) -> SpecError:
    return SpecError(f"task {key!r} is a map task without map settings")


def spec_kind_mismatch(key: str, ref: str, declared: str, actual: str) -> SpecError:
    return SpecError(f"task {key!r} ({ref}) is declared {declared}, but the code is {actual}")


def spec_unknown_task(where: str, key: str) -> SpecError:
    return SpecError(f"{where} calls unknown task {key!r}")


def spec_unbound_inputs(where: str, key: str, missing: typing.Iterable[str]) -> SpecError:
    return SpecError(f"{where} ({key}) does not bind required input(s) {', '.join(missing)}")


def spec_unknown_input(where: str, name: str) -> SpecError:
    return SpecError(f"{where} binds unknown input {name!r}")


def spec_unknown_map_input(key: str, name: str) -> SpecError:
    return spec_unknown_input(f"task {key!r} map", name)


def spec_bound_twice(where: str, name: str) -> SpecError:
    return SpecError(f"{where} binds {name!r} twice")


def spec_unknown_workflow_input(where: str, name: str) -> SpecError:
    return SpecError(f"{where} refers to unknown workflow input {name!r}")


def spec_constant_mismatch(where: str, declared: Any, detail: Any) -> SpecError:
    return SpecError(f"{where}: constant does not fit {declared}: {detail}")


def spec_constant_for_input_mismatch(where: str, name: str, detail: Any) -> SpecError:
    return SpecError(f"{where}: constant for {name!r} does not fit its type: {detail}")


def spec_not_earlier(where: str, dep: int) -> SpecError:
    return SpecError(f"{where} depends on n{dep}, which is not an earlier node")


def spec_slice_lacks_node(where: str, dep: int) -> SpecError:
    return SpecError(f"{where} depends on n{dep}, which this spec slice does not hold")


def spec_slice_wrong_nodes(held: int, own: range) -> SpecError:
    return SpecError(
        f"the spec slice holds {held} node(s), "
        f"but its instance runs {len(own)} (n{own.start}-n{own.stop - 1})"
    )


def spec_slice_bad_stub(text: str) -> SpecError:
    return SpecError(f"spec slice dependency {text!r} is not the index of a node before the slice's own")


def spec_slice_stub_unknown_task(index: int, key: str) -> SpecError:
    return spec_unknown_task(f"spec slice dependency n{index}", key)


def spec_no_output(where: str, node: int) -> SpecError:
    return SpecError(f"{where} uses n{node}, which has no output")


def spec_unknown_output(where: str, output: str, node: int) -> SpecError:
    return SpecError(f"{where} uses output {output!r} of n{node}, which has no such output")


def spec_bad_condition(name: str, detail: str) -> SpecError:
    return SpecError(f"conditional {name!r} in the spec is malformed: {detail}")


def spec_no_conditions(name: str) -> SpecError:
    return SpecError(f"conditional {name!r} in the spec has no conditions")


def spec_no_cases(name: str) -> SpecError:
    return SpecError(f"the select node {name!r} in the spec has no cases")


def spec_bad_guard(where: str, decide: int, case: int) -> SpecError:
    return SpecError(f"{where} is guarded by case {case} of n{decide}, which is no such case")
