"""Configuration failures: the deployment's settings, a DAG's options or a run's conf do not let
the task run, and a retry would read the same configuration."""

from __future__ import annotations

from collections.abc import Iterable

from airflow_dynflow.airflow.errors.task_failures import ConfigurationError
from airflow_dynflow.core.errors import CompileLimitError, DynflowTypeError

__all__ = [
    "bad_child_request",
    "blank_signing_key",
    "child_request_not_a_dynamic",
    "child_request_unknown_inputs",
    "compile_limit",
    "fixed_inputs_in_conf",
    "input_not_json",
    "map_too_long",
    "no_signing_key",
    "spec_too_large",
    "unknown_conf_keys",
    "unknown_dag_options",
    "weak_signing_key",
]


def child_request_not_a_dynamic(runner_dag_id: str, ref: str) -> ConfigurationError:
    return bad_child_request(runner_dag_id, f"a dynamic at {ref}")


def child_request_unknown_inputs(runner_dag_id: str, dynamic: str) -> ConfigurationError:
    return bad_child_request(runner_dag_id, f"inputs of {dynamic} only")


def spec_too_large(dynamic: str, size: int, limit: int) -> ConfigurationError:
    return ConfigurationError(
        f"{dynamic}: the compiled futures spec is {size:,} bytes, over [dynflow] max_spec_bytes = "
        f"{limit:,}. Pass large data between tasks as outputs (they go to the blob store), not as "
        "constants in the dynamic's body, or raise the limit"
    )


# What the compile bounds of ``core.authoring.tracing.CompileLimits`` are called in the [dynflow] section.
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


def unknown_conf_keys(workflow: str, unknown: Iterable[str], inputs: Iterable[str]) -> ConfigurationError:
    """Airflow accepts unknown conf keys; a typo in an input name must not pass silently."""
    return ConfigurationError(
        f"{workflow}: unknown input(s) in the run's conf: {', '.join(unknown)}; "
        f"the workflow's inputs are: {', '.join(inputs) or 'none'}"
    )


def fixed_inputs_in_conf(plan: str, names: Iterable[str]) -> ConfigurationError:
    """Fails the task for good: a retry reads the same conf."""
    return ConfigurationError(
        f"launch plan '{plan}' fixes input(s) {', '.join(names)}; a run's conf cannot set them "
        "(trigger a launch plan that has them as default_inputs, or the workflow's own DAG)"
    )


def input_not_json(workflow: str, name: str, type_name: str) -> DynflowTypeError:
    return DynflowTypeError(
        f"{workflow}: input '{name}' has a type that only travels pickled ({type_name}); a DAG run's "
        "conf is JSON, so make it a JSON type (a dataclass or pydantic model works)"
    )


def unknown_dag_options(workflow: str, unknown: Iterable[str]) -> DynflowTypeError:
    return DynflowTypeError(f"@workflow({workflow}): unknown DAG option(s): {', '.join(sorted(unknown))}")


def map_too_long(map_name: str, size: int, limit: int) -> ConfigurationError:
    return ConfigurationError(
        f"{map_name}: {size} elements exceed [core] max_map_length = {limit}; raise it, e.g. "
        f"AIRFLOW__CORE__MAX_MAP_LENGTH={size} for every Airflow component"
    )


def bad_child_request(runner_dag_id: str, missing: str) -> ConfigurationError:
    return ConfigurationError(f"{runner_dag_id} runs nested dynamics for their parent; conf lacks {missing}")
