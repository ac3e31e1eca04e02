"""Every user-facing error of the Airflow runtime, built in one place (the twin of ``core.errors``).

Each helper names the task or node, what was wrong and, where there is one, the fix. Errors that
retrying cannot mend (a missing upstream, a node past its own retries, every integrity and
configuration failure) are ``AirflowFailException`` subclasses, so they fail the task instance for
good instead of burning its retries.
"""

from __future__ import annotations

from collections.abc import Iterable

from airflow_dynflow.airflow.compat import AirflowFailException, AirflowSkipException
from airflow_dynflow.core.errors import CompileLimitError, signed_with_another_key
from airflow_dynflow.core.signing import KeyMismatch

__all__ = [
    "BadFuturesSpecError",
    "ConfigurationError",
    "DependencyFailedError",
    "ForeignChildRunError",
    "IntegrityError",
    "MissingUpstreamError",
    "NodeFailedError",
    "bad_child_request",
    "bad_futures_spec",
    "blank_signing_key",
    "case_not_taken",
    "child_run_failed",
    "child_run_not_ours",
    "child_run_without_result",
    "compile_limit",
    "dependency_dead",
    "fixed_inputs_in_conf",
    "futures_spec_replaced",
    "input_not_json",
    "integrity",
    "map_too_long",
    "missing_upstream",
    "missing_upstream_node",
    "no_futures_spec",
    "no_signing_key",
    "node_failed_for_good",
    "not_on_this_airflow",
    "nothing_to_collect",
    "outside_store",
    "spec_too_large",
    "unknown_conf_keys",
    "unknown_dag_options",
    "weak_signing_key",
]


class MissingUpstreamError(AirflowFailException):
    """An upstream output is not there: the upstream never ran in this run (e.g. ``tasks test``)."""


class NodeFailedError(AirflowFailException):
    """A generated node failed and has no retries of its own left."""


class DependencyFailedError(AirflowFailException):
    """A generated node did not run because a node it depends on failed.

    It fails rather than skips, and without retries: Airflow's "Clear failed" (and ``airflow tasks
    clear -f``) clears failed instances only, and a generated node's dependents are sibling map
    indexes that no "downstream" reaches. Failed, they are cleared with the node that failed and
    run again once it succeeds. A task has no way to end ``upstream_failed`` itself.
    """


class ForeignChildRunError(AirflowFailException):
    """A run of the runner DAG sits under the id this node's child run must have, and is not its
    child: it is neither reset nor read."""


class IntegrityError(AirflowFailException):
    """Something read back was not written by airflow-dynflow under this deployment's key, or was
    changed since: a forged XCom, a planted or edited blob, a hand-made child-run request.

    Retrying reads the same bytes again, so the instance fails for good, and nothing of the object
    has been decoded, unpickled or imported.
    """


class BadFuturesSpecError(AirflowFailException):
    """The futures spec cannot be used (malformed, tampered, or its code changed): retrying cannot help."""


class ConfigurationError(AirflowFailException, ValueError):
    """The task cannot run as configured: the deployment's settings (no signing key or a weak one, a
    limit such as ``[dynflow] max_nodes_per_dynamic``) or the run's conf (an input the workflow does
    not have). A retry reads the same configuration, so the task fails for good; a ValueError too,
    as a bad value it is."""


def integrity(check: str, what: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    """``check`` names the failed check, ``what`` the object (which output of which task, which file);
    ``mismatch``, when the signature names a key this component does not hold, both keys."""
    if mismatch is not None:
        why = (
            f"{signed_with_another_key(mismatch)}: every Airflow component must have the same "
            "[dynflow] signing_key (each logs its key's fingerprint when it starts)"
        )
    else:
        why = (
            "it was not written by airflow-dynflow under this deployment's [dynflow] signing_key, "
            "or it was changed since"
        )
    return IntegrityError(
        f"integrity check failed ({check}) for {what}: {why}. Nothing of it was decoded; "
        "the task fails without retrying"
    )


def outside_store(key: str, root: str) -> IntegrityError:
    return integrity("store confinement", f"{key}, which is not inside the blob store {root}")


def bad_value_shape(where: str) -> IntegrityError:
    return integrity("envelope shape", f"the value of {where}")


def forged_value(where: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the value of {where}", mismatch)


def pickled_inline(where: str) -> IntegrityError:
    return integrity("codec", f"the value of {where}: its type only travels pickled, in the blob store")


def wrong_codec(where: str, codec: object) -> IntegrityError:
    return integrity("codec", f"the value of {where}: {codec!r} is not the codec its declared type uses")


def blob_changed(where: str, key: str) -> IntegrityError:
    return integrity("content digest", f"the value of {where} (blob {key})")


def file_changed(where: str, key: str) -> IntegrityError:
    return integrity("content digest", f"a file or directory in the value of {where} (blob {key})")


def bad_outputs_shape(where: str, missing: Iterable[str] = ()) -> IntegrityError:
    absent = ", ".join(missing)
    return integrity("envelope shape", f"the outputs of {where}" + (f" (no {absent})" if absent else ""))


def bad_instance_outputs(where: str) -> IntegrityError:
    return integrity("envelope shape", f"the outputs of the generated-node instance {where}")


def forged_instance_outputs(where: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the outputs of the generated-node instance {where}", mismatch)


def bad_element_shape(map_index: int | None, split_id: str) -> IntegrityError:
    return integrity("envelope shape", f"element {map_index} of {split_id}")


def bad_spec_reference(where: str) -> IntegrityError:
    return integrity("envelope shape", f"the futures-spec reference {where}")


def forged_spec_reference(where: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the futures-spec reference {where}", mismatch)


def forged_futures_spec(key: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the futures spec at {key}", mismatch)


def forged_cache_entry(key: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the cache entry {key}", mismatch)


def forged_stored_outputs(where: str, path: object, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the stored outputs of {where} ({path})", mismatch)


def _child_request(runner_dag_id: str, run_id: str) -> str:
    return (
        f"the conf of run {run_id} of {runner_dag_id} (its runs are started by parent nodes, never by hand)"
    )


def bad_child_request_shape(runner_dag_id: str, run_id: str) -> IntegrityError:
    return integrity("child-run request shape", _child_request(runner_dag_id, run_id))


def forged_child_request(
    runner_dag_id: str, run_id: str, mismatch: KeyMismatch | None = None
) -> IntegrityError:
    return integrity("child-run request signature", _child_request(runner_dag_id, run_id), mismatch)


def child_request_not_a_dynamic(runner_dag_id: str, ref: str) -> ConfigurationError:
    return bad_child_request(runner_dag_id, f"a dynamic at {ref}")


def child_request_unknown_inputs(runner_dag_id: str, dynamic: str) -> ConfigurationError:
    return bad_child_request(runner_dag_id, f"inputs of {dynamic} only")


def bad_futures_spec(compile_id: str, cause: BaseException) -> BadFuturesSpecError:
    return BadFuturesSpecError(f"the futures spec of {compile_id} cannot be used: {cause}")


def spec_too_large(dynamic: str, size: int, limit: int) -> ConfigurationError:
    return ConfigurationError(
        f"{dynamic}: the compiled futures spec is {size:,} bytes, over [dynflow] max_spec_bytes = "
        f"{limit:,}. Pass large data between tasks as outputs (they go to the blob store), not as "
        "constants in the dynamic's body, or raise the limit"
    )


# What the compile bounds of ``core.tracing.CompileLimits`` are called in the [dynflow] section.
_COMPILE_LIMIT_SETTINGS = {"max_nodes": "max_nodes_per_dynamic", "max_seconds": "max_compile_seconds"}


def compile_limit(exc: CompileLimitError) -> ConfigurationError:
    setting = _COMPILE_LIMIT_SETTINGS[exc.limit]
    return ConfigurationError(
        f"{exc} ([dynflow] {setting} = {exc.value:g}). A run's inputs decide how large the body grows: "
        f"check them, or raise AIRFLOW__DYNFLOW__{setting.upper()} if the dynamic really is this large"
    )


_KEY_ADVICE = (
    "set [dynflow] signing_key (AIRFLOW__DYNFLOW__SIGNING_KEY) to the same long random secret on every "
    "Airflow component, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
)


def no_signing_key() -> ConfigurationError:
    return ConfigurationError(
        f"airflow-dynflow has no key to sign plans and payloads with: {_KEY_ADVICE}; or set "
        "[core] fernet_key or [api_auth] jwt_secret, from which one is derived"
    )


def blank_signing_key() -> ConfigurationError:
    """A value of only commas and blanks is a mistake, never a wish for the derived key."""
    return ConfigurationError(f"[dynflow] signing_key is set but holds no key: {_KEY_ADVICE}")


def weak_signing_key(position: int, count: int, size: int, minimum: int) -> ConfigurationError:
    which = (
        "[dynflow] signing_key" if count == 1 else f"key {position} of the {count} in [dynflow] signing_key"
    )
    return ConfigurationError(
        f"{which} is {size} bytes, under the {minimum} a signing key needs to resist guessing: {_KEY_ADVICE}"
    )


def missing_upstream(consumer: str, input_name: str, where: str, rerun_hint: str) -> MissingUpstreamError:
    return MissingUpstreamError(
        f"{consumer}: input '{input_name}' needs the output of {where}, which has no output in this "
        f"run. Run the upstream first, or test against a run in which it succeeded: {rerun_hint}"
    )


def missing_upstream_node(
    consumer: str, input_name: str, where: str, node: str, task_id: str, map_index: int
) -> MissingUpstreamError:
    """A generated node's output is missing: it was marked success without running, or cleared."""
    return MissingUpstreamError(
        f"{consumer}: input '{input_name}' needs the output of {where}, which has no output in this "
        f"run (marked success without running?). Clear {node} ({task_id}, map index {map_index}) in "
        'this run so that it runs; "Clear failed" then runs what failed after it'
    )


def unknown_conf_keys(workflow: str, unknown: Iterable[str], inputs: Iterable[str]) -> ConfigurationError:
    """Airflow accepts unknown conf keys; a typo in an input name must not pass silently."""
    return ConfigurationError(
        f"{workflow}: unknown input(s) in the run's conf: {', '.join(unknown)}; "
        f"the workflow's inputs are: {', '.join(inputs) or 'none'}"
    )


def fixed_inputs_in_conf(plan: str, names: Iterable[str]) -> AirflowFailException:
    """Fails the task for good: a retry reads the same conf."""
    return AirflowFailException(
        f"launch plan '{plan}' fixes input(s) {', '.join(names)}; a run's conf cannot set them "
        "(trigger a launch plan that has them as default_inputs, or the workflow's own DAG)"
    )


def input_not_json(workflow: str, name: str, type_name: str) -> TypeError:
    return TypeError(
        f"{workflow}: input '{name}' has a type that only travels pickled ({type_name}); a DAG run's "
        "conf is JSON, so make it a JSON type (a dataclass or pydantic model works)"
    )


def unknown_dag_options(workflow: str, unknown: Iterable[str]) -> TypeError:
    return TypeError(f"@workflow({workflow}): unknown DAG option(s): {', '.join(sorted(unknown))}")


def map_too_long(map_name: str, size: int, limit: int) -> ConfigurationError:
    return ConfigurationError(
        f"{map_name}: {size} elements exceed [core] max_map_length = {limit}; raise it, e.g. "
        f"AIRFLOW__CORE__MAX_MAP_LENGTH={size} for every Airflow component"
    )


def nothing_to_collect(map_name: str, split_id: str) -> MissingUpstreamError:
    return MissingUpstreamError(f"{map_name}: {split_id} did not run, so there is nothing to collect")


def no_futures_spec(compile_id: str) -> MissingUpstreamError:
    return MissingUpstreamError(f"{compile_id} has no futures spec in this run; run it first")


def futures_spec_replaced(key: str) -> BadFuturesSpecError:
    return BadFuturesSpecError(f"the futures spec at {key} is not the one compiled for this run")


def unexpected_execution_api_reply(expected: str, reply: object) -> TypeError:
    return TypeError(f"the execution API answered {type(reply).__name__} where {expected} was expected")


def bad_spec_slice(key: str, map_index: int) -> BadFuturesSpecError:
    return BadFuturesSpecError(
        f"the spec slices at {key} are damaged: no valid offsets for map index {map_index}"
    )


def bad_child_request(runner_dag_id: str, missing: str) -> ConfigurationError:
    return ConfigurationError(f"{runner_dag_id} runs nested dynamics for their parent; conf lacks {missing}")


_DEAD_STATES = {
    "failed": "failed",
    "upstream_failed": "failed",
    "skipped": "was skipped",
    "removed": "was removed",
}


def dependency_dead(
    item: str, culprit: str, state: str | None
) -> AirflowSkipException | DependencyFailedError:
    """``n3 step: not run: its dependency n2 step failed``; both named by label, never by map index.

    A skipped dependency (a case not taken) skips the node, as a static branch does; any other end
    fails it, so that "Clear failed" on the run reaches it (``DependencyFailedError``)."""
    happened = _DEAD_STATES.get(state or "", f"is {state}")
    if state == "skipped":
        return AirflowSkipException(f"{item}: not run: its dependency {culprit} {happened}")
    return DependencyFailedError(
        f"{item}: not run: its dependency {culprit} {happened}. Once its cause is fixed, "
        '"Clear failed" on this run runs both again (airflow tasks clear -f)'
    )


def case_not_taken(label: str, decide: str, case: int, chosen: int | None) -> AirflowSkipException:
    """``sort_locally[n4]: not run: it is in case 0 of terminal_case[n1], which took case 1``."""
    took = "was not run" if chosen is None else f"took case {chosen}"
    return AirflowSkipException(f"{label}: not run: it is in case {case} of {decide}, which {took}")


def child_run_note(parent_dag_id: str, parent_run_id: str, label: str, dynamic: str) -> str:
    return f"child run of node {label} ({dynamic}) in {parent_dag_id} / {parent_run_id}"


def node_failed_for_good(item: str, attempts: int, cause: BaseException) -> NodeFailedError:
    return NodeFailedError(f"{item} failed after {attempts} tries: {cause!r}")


def child_run_without_result(item: str, run_id: str) -> NodeFailedError:
    return NodeFailedError(f"{item}: the child run {run_id} succeeded without a result (marked success?)")


def child_run_failed(label: str, run_id: str, runner_dag_id: str, failed: str, url: str) -> NodeFailedError:
    """``n2 inner: its child run n2_inner__3f.. of wf__dynflow failed at n1 leaf (nodes, map index 1)``."""
    return NodeFailedError(
        f"{label}: its child run {run_id} of {runner_dag_id} failed at {failed}: {url} . "
        'Fix the cause, then "Clear failed" on either run resumes both'
    )


def child_run_not_ours(label: str, run_id: str, runner_dag_id: str) -> ForeignChildRunError:
    return ForeignChildRunError(
        f"{label}: a run {run_id} of {runner_dag_id} exists under this node's child-run id and was "
        "not started by this node (its request did not pass the signature check); it is left "
        "untouched. Delete that run, then clear this node"
    )


def not_on_this_airflow(what: str, since: str) -> str:
    """The log line for behaviour the running Airflow lacks: the rest of the run goes on without it."""
    from airflow import __version__

    return f"Airflow {__version__} has no {what} (Airflow {since}+): running without it"


# --- h24s ---


def bad_deck_reference(where: str) -> IntegrityError:
    return integrity("reference shape", f"the deck reference of {where}")


def forged_deck_reference(where: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the deck reference of {where}", mismatch)


def changed_deck(where: str, key: str) -> IntegrityError:
    return integrity("sha256", f"the deck page {key} of {where}")
