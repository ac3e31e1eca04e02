"""Imported once by a Celery worker's main process (``celery.config``), so that its task processes
inherit, copy-on-write, what every generated-node instance would otherwise import for itself.

On PostgreSQL + Celery + S3, a generated instance spent about 0.7 s of sampled CPU (py-spy, 60
instances) creating its first ``ObjectStoragePath`` for the store, nearly all of it importing
s3fs, aiobotocore, aiohttp, boto3 and Airflow's filesystem modules, where a native mapped instance
never touches the store. Airflow does the same for its own operators: its Celery executor preloads
``airflow.providers.standard.operators.python`` and others when the worker starts
(``on_celery_import_modules``).

Only modules are loaded here, never a filesystem or a client: those hold connections and threads
that a fork would not carry over, and their credentials come from the task's own connection.
"""

from __future__ import annotations

import gc
from urllib.parse import urlsplit

import fsspec

import airflow_dynflow.airflow.dag_builder  # noqa: F401  (the runtime every dynamic's DAG file imports)
from airflow_dynflow.airflow.compat import load_filesystem_modules
from airflow_dynflow.airflow.store.blob_store import LOCAL_PROTOCOLS, configured_url

__all__: list[str] = []


def _preload() -> None:
    load_filesystem_modules()
    scheme = urlsplit(configured_url()).scheme
    if scheme not in LOCAL_PROTOCOLS:
        fsspec.get_filesystem_class(scheme)  # imports the implementation (s3fs for s3://)
    # As Airflow's own preload does: what is loaded now stays out of the collector's way, so the
    # forked processes do not copy its pages by merely scanning them.
    gc.freeze()


_preload()
