"""Every user-facing error, built in one place.

Messages read like Python's own (``f() missing required argument 'x'``) and always name the entity,
the argument and, where there is one, the fix. Keeping the wording here means one misuse never gets
two different messages or two different exception types in two code paths.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_dynflow.core.signing import KeyMismatch

__all__ = [
    "CompileLimitError",
    "ConditionFailedError",
    "ConditionalError",
    "InterfaceError",
    "InvalidValue",
    "PromiseError",
    "SpecError",
    "TypeMismatchError",
    "add_node_path",
]


class PromiseError(TypeError, ValueError):
    """A promise was used as if it held a value.

    It subclasses both TypeError and ValueError because Python raises either for the operations users
    try on it (``len``, ``int``, ``bool`` ...), and an ``except`` clause written for the real value should
    still catch the mistake.
    """


class TypeMismatchError(TypeError, AssertionError, ValueError):
    """A value, or a promise's declared type, does not fit the declared type of an input or output.

    Also an AssertionError and a ValueError, as flytekit's ``TypeTransformerFailedError`` is (and
    flytekit raises a plain AssertionError when a promise cannot be bound), so code written against
    flytekit, ``except ValueError`` or ``pytest.raises(AssertionError)``, catches it unchanged.
    """


class InterfaceError(TypeError):
    """A decorated function cannot be a typed entity (missing annotations, ``*args`` ...)."""


class SpecError(ValueError):
    """A graph spec is malformed, was tampered with, or refers to tasks that no longer match it."""


class ConditionalError(AssertionError):
    """A ``conditional(...)`` chain is built wrongly. An AssertionError, as flytekit raises for the
    same mistakes, so code written against flytekit catches it unchanged."""


class ConditionFailedError(ValueError):
    """The ``else_().fail(message)`` case of a conditional was taken; a ValueError, as in flytekit."""


class CompileLimitError(RuntimeError):
    """Compiling a dynamic passed one of the bounds its runtime set (``tracing.CompileLimits``).

    ``limit`` is the bound's field name and ``value`` its setting, so a runtime can name the
    setting its users change.
    """

    def __init__(self, message: str, limit: str, value: float) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value


class InvalidValue(Exception):
    """A value does not fit a converter's type; the caller turns it into a TypeMismatchError."""


def type_name(tp: Any) -> str:
    """A short readable name for a type annotation: ``List[int]``, not ``typing.List[int]``."""
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__qualname__
    text = repr(tp)
    return text.replace("typing.", "").replace("collections.abc.", "")


def missing_argument(entity: str, name: str) -> TypeError:
    return TypeError(f"{entity}() missing required argument '{name}'")


def unexpected_argument(entity: str, name: str, allowed: typing.Iterable[str]) -> TypeError:
    names = ", ".join(allowed) or "none"
    return TypeError(f"{entity}() got an unexpected keyword argument '{name}' (its inputs are: {names})")


def duplicate_argument(entity: str, name: str) -> TypeError:
    return TypeError(f"{entity}() got multiple values for argument '{name}'")


def too_many_positional(entity: str, allowed: int, given: int) -> TypeError:
    return TypeError(f"{entity}() takes {allowed} positional arguments but {given} were given")


def type_mismatch(
    entity: str, role: str, name: str, expected: Any, actual: str, detail: str = ""
) -> TypeMismatchError:
    """``role`` is "input" or "output"; ``actual`` is already a readable type (or value) description."""
    suffix = f": {detail}" if detail else ""
    return TypeMismatchError(f"{entity}: {role} '{name}' expects {type_name(expected)}, got {actual}{suffix}")


def not_a_result_tuple(entity: str, expected: Any, actual: str, count: int) -> TypeMismatchError:
    return type_mismatch(entity, "output", "return", expected, actual, f"expected a tuple of {count} values")


def promise_misuse(entity: str, output: str, operation: str) -> PromiseError:
    return PromiseError(
        f"cannot use {operation} on the promise of {entity}'s output '{output}': its value does not "
        "exist until the graph runs. Pass the promise to another task and do the work there "
        "(or use p[i] / p.field, which are resolved at run time)."
    )


def unannotated(entity: str, name: str) -> InterfaceError:
    return InterfaceError(
        f"{entity}: input '{name}' has no type annotation; every input of a task, workflow or dynamic "
        f"must be typed, e.g. '{name}: int'"
    )


def variadic_input(entity: str, name: str) -> InterfaceError:
    return InterfaceError(f"{entity}: '*{name}' cannot be typed as inputs; declare each input by name")


def unresolvable_annotation(entity: str, detail: Any) -> InterfaceError:
    return InterfaceError(f"{entity}: cannot resolve an annotation ({detail})")


def promise_type_mismatch(
    entity: str, role: str, name: str, expected: Any, promised: Any, source: str
) -> TypeMismatchError:
    return type_mismatch(entity, role, name, expected, f"a promise of {type_name(promised)} from {source}")


def void_promise_mismatch(entity: str, role: str, name: str, expected: Any, source: str) -> TypeMismatchError:
    return type_mismatch(entity, role, name, expected, f"the result of {source}, which returns nothing")


def promise_from_other_body(entity: str, role: str, name: str, source: str) -> PromiseError:
    return PromiseError(
        f"{entity}: {role} '{name}' got a promise of {source} from another workflow or dynamic; a "
        "promise can only be used in the body that created it"
    )


def promise_bad_key(entity: str, output: str, key: Any) -> PromiseError:
    return promise_misuse(
        entity, output, f"[{key!r}] (only int indexes and str keys are resolved at run time)"
    )


def promise_unresolvable(entity: str, output: str, key: Any, declared: Any, detail: str) -> PromiseError:
    return PromiseError(
        f"cannot resolve {key!r} on the promise of {entity}'s output '{output}' "
        f"({type_name(declared)}): {detail}"
    )


def void_promise_used(entity: str, operation: str) -> PromiseError:
    return PromiseError(
        f"cannot use {operation} on the result of {entity}: it returns nothing; "
        "use it only to order calls with '>>'"
    )


def promise_immutable() -> AttributeError:
    return AttributeError("a Promise is immutable")


def override_on_input(source: str) -> PromiseError:
    return PromiseError(f"with_overrides applies to task calls, not to the input {source}")


def override_on_known(source: str, output: str) -> PromiseError:
    return PromiseError(
        f"with_overrides applies to task calls; output '{output}' of {source} is a constant its body "
        "returns, which no task computes"
    )


def order_needs_calls(value: Any) -> PromiseError:
    return PromiseError(f"'>>' orders task calls; got {type(value).__qualname__}")


def order_on_input() -> PromiseError:
    return PromiseError("'>>' orders task calls; a workflow input is not a call")


def order_cycle(entity: str, stuck: typing.Iterable[tuple[str, int]]) -> SpecError:
    """``stuck`` holds (task, node index) of every node the cycle leaves waiting."""
    names = ", ".join(f"{task}[n{index}]" for task, index in stuck)
    return SpecError(f"{entity}: '>>' made a cycle between {names}")


# ---------------------------------------------------------------- conditionals


def condition_truth(condition: str) -> PromiseError:
    return PromiseError(
        f"cannot take the truth value of the condition {condition}: it is decided when the graph "
        "runs. Use it in conditional(...).if_(...), and join conditions with '&' and '|', not "
        "'and'/'or'/'not'"
    )


def condition_operand(op: str, value: Any) -> PromiseError:
    return PromiseError(
        f"'{op}' joins two conditions (comparisons of promises, e.g. (p > 1) {op} (q < 2)); "
        f"got {type(value).__qualname__}"
    )


def conditional_outside_body(name: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}' can only be used inside a @workflow or @dynamic body, where task "
        "calls return promises"
    )


_PLACES = {
    "if_()": "as the first case",
    "elif_()": "after if_(...).then(...)",
    "else_()": "after if_(...).then(...)",
    "then()": "after if_(), elif_() or else_()",
    "fail()": "after else_()",
}


def conditional_misplaced(name: str, call: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}': {call} comes {_PLACES[call]}; a conditional reads "
        "if_(...).then(...)[.elif_(...).then(...)].else_().then(...) or .else_().fail(...)"
    )


def conditional_unfinished(name: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}' is never finished: end it with .else_().then(...) or "
        '.else_().fail("message") (a dangling if_ is not allowed, as in flytekit)'
    )


def condition_is_a_promise(name: str, where: str, promise: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where} got the promise {promise!r} itself; compare it, e.g. "
        "p.is_true(), p.is_false(), p.is_none() or p == value"
    )


def condition_not_an_expression(name: str, where: str, value: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where} takes a comparison of promises (<, <=, >, >=, ==, !=) "
        f"joined with & and |; got {type(value).__qualname__}"
    )


def condition_constant(name: str, where: str, value: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where}: a condition compares promises with None, bool, int, float "
        f"or str constants; got {type(value).__qualname__}"
    )


def condition_uses_branch_promise(name: str, where: str, source: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where} compares a promise of {source}, made inside one of its own "
        "cases; conditions may only use promises made before the conditional"
    )


def then_needs_promises(name: str, value: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}': then() takes the promise (or tuple of promises) of a call made in "
        f"the case; got {type(value).__qualname__}"
    )


def condition_failed(name: str, message: str) -> ConditionFailedError:
    return ConditionFailedError(f"{message} (conditional '{name}' took its else_().fail(...) case)")


def case_type_mismatch(name: str, output: str, expected: Any, actual: Any, source: str) -> TypeMismatchError:
    return type_mismatch(
        f"conditional '{name}'",
        "output",
        output,
        expected,
        f"a promise of {type_name(actual)} from {source} in another case",
    )


def promise_outside_case(entity: str, role: str, name: str, source: str, case: str) -> PromiseError:
    return PromiseError(
        f"{entity}: {role} '{name}' got a promise of {source}, which only exists when {case} is "
        "taken; use the result of the conditional instead"
    )


def order_across_cases(before: str, after: str, case: str) -> PromiseError:
    return PromiseError(f"'>>' cannot make {after} wait for {before}, which only runs when {case} is taken")


# ---------------------------------------------------------------- options


def unexpected_options(owner: str, unknown: typing.Iterable[str]) -> TypeError:
    return TypeError(f"{owner} got unexpected option(s): {', '.join(sorted(unknown))}")


def bad_retries(owner: str, value: Any) -> TypeError:
    return TypeError(f"{owner}: retries must be a non-negative int, got {value!r}")


def bad_timeout(owner: str, value: Any) -> ValueError:
    return ValueError(f"{owner}: timeout must be positive, got {value!r}")


def bad_resources(owner: str, option: str, value: Any) -> TypeError:
    return TypeError(
        f"{owner}: {option} must be a Resources(cpu=, mem=, gpu=, ephemeral_storage=), got {value!r}"
    )


def options_not_honoured(owner: str, names: typing.Iterable[str]) -> str:
    """A warning's text: flytekit options that are accepted so that Flyte code runs, but do nothing here."""
    return (
        f"{owner}: flytekit option(s) {', '.join(sorted(names))} have no effect on airflow-dynflow; "
        "see docs/flytekit.md for what to use instead"
    )


def packing_on_a_task(entity: str) -> TypeError:
    return TypeError(
        f"{entity}: nodes_per_instance packs the generated nodes of a @dynamic; a @task is one node"
    )


def bad_nodes_per_instance(entity: str, value: Any) -> ValueError:
    return ValueError(f"{entity}: nodes_per_instance must be an int of at least 1, got {value!r}")


def cache_version_without_cache(entity: str) -> ValueError:
    return ValueError(f"{entity}: cache_version is set but cache=False; add cache=True")


def timed_out(entity: str, timeout: float) -> TimeoutError:
    return TimeoutError(f"{entity} timed out after {timeout:g} s")


# ---------------------------------------------------------------- launch plans and schedules


def _lp(name: str) -> str:
    return f"launch plan '{name}'"


def launch_plan_needs_workflow(target: Any) -> TypeError:
    return TypeError(f"LaunchPlan.get_or_create() takes a @workflow, got {target!r}")


def launch_plan_unnamed_settings(workflow: str) -> ValueError:
    return ValueError(
        f"LaunchPlan.get_or_create({workflow}): only a named launch plan can have default_inputs, "
        "fixed_inputs or a schedule; pass name=... (without it you get the workflow's default launch plan)"
    )


def launch_plan_named_like_workflow(name: str, workflow: str) -> ValueError:
    return ValueError(
        f"{_lp(name)} has the name of workflow {workflow}'s default launch plan (its DAG on Airflow); "
        "give it a name of its own"
    )


def launch_plan_conflict(name: str, differences: typing.Iterable[str]) -> ValueError:
    return ValueError(
        f"{_lp(name)} already exists with a different {', '.join(differences)}; "
        "use the same arguments to get it again, or give the new launch plan another name"
    )


def launch_plan_unknown_input(
    name: str, role: str, input_name: str, workflow: str, inputs: typing.Iterable[str]
) -> TypeError:
    """``role`` is "default_inputs", "fixed_inputs" or "kickoff_time_input_arg"."""
    return TypeError(
        f"{_lp(name)}: {role} names '{input_name}', which is not an input of workflow {workflow} "
        f"(its inputs are: {', '.join(inputs) or 'none'})"
    )


def launch_plan_input_twice(name: str, input_name: str) -> ValueError:
    return ValueError(
        f"{_lp(name)}: input '{input_name}' is in both default_inputs and fixed_inputs; keep one"
    )


def fixed_input_overridden(name: str, inputs: typing.Iterable[str]) -> TypeError:
    return TypeError(
        f"{_lp(name)} fixes input(s) {', '.join(sorted(inputs))}; a call cannot change them "
        "(make them default_inputs of a launch plan to allow it)"
    )


def kickoff_input_not_datetime(name: str, input_name: str, declared: Any) -> TypeMismatchError:
    return TypeMismatchError(
        f"{_lp(name)}: kickoff_time_input_arg '{input_name}' expects an input of type datetime, "
        f"got one of type {type_name(declared)}"
    )


def kickoff_input_fixed(name: str, input_name: str) -> ValueError:
    return ValueError(
        f"{_lp(name)}: input '{input_name}' receives the scheduled time (kickoff_time_input_arg), "
        "so it cannot also be a fixed input"
    )


def scheduled_inputs_without_value(name: str, inputs: typing.Iterable[str]) -> ValueError:
    return ValueError(
        f"{_lp(name)} runs on a schedule, so every input needs a value; give {', '.join(inputs)} "
        "a default_inputs or fixed_inputs entry, or a default in the workflow"
    )


def cron_needs_one_expression(cron_expression: Any, schedule: Any) -> TypeError:
    return TypeError(
        "CronSchedule() takes exactly one of cron_expression= (AWS form, '0 10 * * ? *') or "
        f"schedule= ('*/5 * * * *', '@daily'); got cron_expression={cron_expression!r}, schedule={schedule!r}"
    )


def cron_not_five_fields(schedule: str) -> ValueError:
    return ValueError(
        f"CronSchedule(schedule={schedule!r}): expected five fields (minute hour day-of-month month "
        "day-of-week) or an alias such as '@daily'"
    )


def aws_cron_not_six_fields(expression: str) -> ValueError:
    return ValueError(
        f"CronSchedule(cron_expression={expression!r}): expected AWS's six fields with the year '*' "
        "('0 10 * * ? *'); for other years use schedule= with five fields"
    )


def aws_cron_numeric_weekday(expression: str) -> ValueError:
    return ValueError(
        f"CronSchedule(cron_expression={expression!r}): AWS numbers weekdays 1-7 from Sunday and cron "
        "0-6, so write weekday names (MON-FRI) or use schedule= with a five-field expression"
    )


def bad_fixed_rate(duration: Any) -> ValueError:
    return ValueError(f"FixedRate(duration=...) must be a positive timedelta, got {duration!r}")


# ---------------------------------------------------------------- map_task


def map_needs_task(target: Any) -> TypeError:
    return TypeError(f"map_task maps a @task, got {target!r}")


def map_partial_positional() -> TypeError:
    return TypeError("map_task: bind constants with functools.partial by keyword, not position")


def map_partial_promise(task: str, name: str) -> PromiseError:
    return PromiseError(
        f"map_task({task}): functools.partial binds constants, but '{name}' is a promise; "
        "pass it as a list to map over instead"
    )


def bad_success_ratio(task: str, value: Any) -> ValueError:
    return ValueError(f"map_task({task}): min_success_ratio must be in (0, 1], got {value}")


def bad_concurrency(task: str, value: Any) -> ValueError:
    return ValueError(f"map_task({task}): concurrency must be at least 1, got {value}")


def map_multiple_outputs(task: str) -> TypeError:
    return TypeError(f"map_task({task}): a mapped task must have at most one output")


def mapped_lengths_differ(entity: str, lengths: typing.Mapping[str, int]) -> ValueError:
    detail = ", ".join(f"{k}={v}" for k, v in lengths.items())
    return ValueError(f"{entity}: mapped inputs must have the same length, got {detail}")


def map_below_success_ratio(entity: str, succeeded: int, size: int, ratio: float) -> RuntimeError:
    return RuntimeError(
        f"{entity}: {succeeded} of {size} elements succeeded, below min_success_ratio={ratio}"
    )


# ---------------------------------------------------------------- types


def not_an_instance(tp: type) -> InvalidValue:
    return InvalidValue(f"not an instance of {tp.__qualname__}")


def pickled_not_base64() -> InvalidValue:
    return InvalidValue("a pickled value must be a base64 string")


def list_key(key: Any) -> LookupError:
    return LookupError(f"a list is indexed by position, not by {key!r}")


def tuple_key(key: Any) -> LookupError:
    return LookupError(f"a tuple is indexed by position, not by {key!r}")


def index_out_of_range(index: int, size: int) -> LookupError:
    return LookupError(f"index {index} is out of range for {size} elements")


def no_field(tp: Any, key: Any) -> LookupError:
    return LookupError(f"{getattr(tp, '__qualname__', tp)} has no field {key!r}")


# ---------------------------------------------------------------- specs and task references


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


def no_keys() -> ValueError:
    return ValueError("a Signer needs at least one non-empty key")


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


def file_not_local(kind: str, key: str) -> ValueError:
    return ValueError(
        f"this {kind} was not downloaded (it is stored at {key!r}); only a task's inputs are downloaded, "
        "before its function runs"
    )


def not_a_path_value(type_name: str, kind: str, actual: str) -> ValueError:
    return ValueError(f"expected a {type_name} (or a str or os.PathLike path to a {kind}), got {actual}")


def no_such_path(kind: str, path: str) -> ValueError:
    return ValueError(f"{path!r} is not an existing {kind}")


def bad_file_json(data: object) -> ValueError:
    text = repr(data)
    return ValueError(
        "a file or directory travels as {'path': ...} or {'blob': <store key>, 'sha256': ...}, got "
        + (text if len(text) <= 80 else text[:77] + "...")
    )


def file_from_outside() -> ValueError:
    return ValueError(
        "a file or directory cannot come from a DAG run's conf (it would name a path on a worker or an "
        "object of the blob store); pass its content, or write it in a task and pass that task's output"
    )


def hash_method_not_callable(entity: str, name: str, actual: Any) -> InterfaceError:
    return InterfaceError(
        f"{entity}: output '{name}' has HashMethod({actual!r}); HashMethod takes a function of the "
        "value that returns a str"
    )


def add_node_path(exc: BaseException, frame: str) -> None:
    """Prepend ``frame`` to the node path carried by ``exc`` and keep a note that shows it.

    The original exception type is kept (callers re-raise the same object), so ``except ValueError``
    still works around a dynamic; the note tells which generated node failed, e.g.
    ``count_characters -> update_list[n7]``.
    """
    path = (frame, *getattr(exc, "dynflow_path", ()))
    exc.dynflow_path = path  # type: ignore[attr-defined]
    note = "dynflow node path: " + " -> ".join(path)
    notes = getattr(exc, "__notes__", None)
    if notes:
        for i, old in enumerate(notes):
            if old.startswith("dynflow node path: "):
                notes[i] = note
                return
    exc.add_note(note)


# --- h24s ---


def secret_without_name() -> ValueError:
    return ValueError("a secret needs a group or a key (or both): Secret(group='db', key='password')")


def bad_secret_requests(entity: str, given: Any) -> TypeError:
    return TypeError(
        f"{entity}: secret_requests takes a list of Secret(group=..., key=...), got {type(given).__name__}"
    )


def secret_not_requested(entity: str, group: str | None, key: str | None) -> ValueError:
    return ValueError(
        f"{entity}: secret (group={group!r}, key={key!r}) was not requested; add "
        f"secret_requests=[Secret(group={group!r}, key={key!r})] to its @task: requesting is what grants"
    )


def secret_not_found(entity: str, group: str | None, key: str | None, where: str) -> ValueError:
    return ValueError(
        f"{entity}: no value for the secret (group={group!r}, key={key!r}); provide it as {where}"
    )


def deck_not_text(name: Any, html: Any) -> TypeError:
    return TypeError(
        f"Deck({name!r}, ...): a deck's name and HTML are str, got {type(name).__name__} and "
        f"{type(html).__name__}"
    )


def reference_not_found(kind: str, name: str, cause: BaseException | None = None) -> ValueError:
    """``cause``: why the dotted path did not import (None: ``name`` is not a dotted path at all)."""
    why = "it is not a dotted path" if cause is None else f"{type(cause).__name__}: {cause}"
    return ValueError(
        f"{kind}(name={name!r}): nothing to refer to ({why}). Here a reference names installed code: "
        "the dotted path 'package.module.entity' of an importable module (for a launch plan, also the "
        "name given to LaunchPlan.get_or_create); or import the entity and call it"
    )


def reference_wrong_kind(kind: str, name: str, found: Any) -> TypeError:
    expected = "a @task or @dynamic" if kind == "reference_task" else "a LaunchPlan or @workflow"
    return TypeError(f"{kind}(name={name!r}): {expected} was expected there, found {type(found).__name__}")


def reference_interface_mismatch(
    kind: str, name: str, differences: typing.Sequence[tuple[str, str, Any, Any]]
) -> InterfaceError:
    def shown(tp: Any) -> str:
        if isinstance(tp, list):
            return "(" + ", ".join(map(type_name, tp)) + ")"
        return "absent" if tp is None else type_name(tp)

    said = "; ".join(
        f"{role} {n + ' ' if n else ''}declared {shown(ours)}, is {shown(theirs)}"
        for role, n, ours, theirs in differences
    )
    return InterfaceError(f"{kind}(name={name!r}): the decorated function's interface differs: {said}")
