"""Running one entity inside a task instance: Airflow owns retries, the blob store the cache."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_dynflow.airflow.runtime.secret_lookup import AirflowSecrets
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_cache import BlobCache
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.authoring.call_policy import run_with_policy
from airflow_dynflow.core.authoring.entities import Task, checked_inputs
from airflow_dynflow.core.context.decks import DeckSink
from airflow_dynflow.core.conversion.output_cache import Cache
from airflow_dynflow.core.options import NO_OPTIONS, Options

__all__ = ["run_entity"]


def run_entity(
    name: str,
    entity: Task,
    inputs: Mapping[str, Any],
    store: BlobStore,
    timeout: float | None = None,
    execution: tuple[str, str] | None = None,
    input_hashes: Mapping[str, str] | None = None,
    deck: DeckSink | None = None,
) -> dict[str, Any]:
    """Run a task's function once, with its cache on the blob store.

    ``timeout`` is for generated nodes, whose mapped instances share one ``execution_timeout``;
    static tasks leave it to Airflow. ``execution`` is (run id, idempotency key) for
    ``current_context()``; ``input_hashes`` the ``HashMethod`` hashes that came with some inputs;
    ``deck`` where the page goes when the task enables decks (``runtime.instance_decks``). Secrets come from
    Airflow's connections and variables (``runtime.secret_lookup``).
    """
    cache: tuple[Cache, str, str] | None = None
    if entity.cache:
        cache = (BlobCache(store, deployment_signer()), entity.origin.ref, entity.effective_cache_version)
    checked = checked_inputs(entity.interface, inputs)
    options = Options(timeout=timeout) if timeout else NO_OPTIONS
    return run_with_policy(
        name,
        entity.body,
        entity.interface,
        checked,
        options,
        cache,
        execution,
        input_hashes,
        secrets=entity.secrets(AirflowSecrets()),
        deck=deck if entity.enable_deck else None,
    )
