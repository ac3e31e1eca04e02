"""Integrity failures: something read back that this deployment's key did not sign (or that changed
since), refused before any of it is decoded."""

from __future__ import annotations

from collections.abc import Iterable

from airflow_dynflow.airflow.errors.task_failures import IntegrityError
from airflow_dynflow.core.errors import signed_with_another_key
from airflow_dynflow.core.signing import KeyMismatch

__all__ = [
    "bad_child_request_shape",
    "bad_element_shape",
    "bad_instance_outputs",
    "bad_outputs_shape",
    "bad_spec_reference",
    "bad_value_shape",
    "blob_changed",
    "file_changed",
    "forged_cache_entry",
    "forged_child_request",
    "forged_futures_spec",
    "forged_instance_outputs",
    "forged_spec_reference",
    "forged_stored_outputs",
    "forged_value",
    "integrity",
    "outside_store",
    "pickled_inline",
    "wrong_codec",
]


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
