"""DAG discovery in safe mode for files that only import ``airflow_dynflow``.

Airflow's safe mode parses only files whose bytes contain both "airflow" and "dag"; a file that does
``from airflow_dynflow import task, workflow`` has no "dag" in it and is silently skipped. Point
``[core] might_contain_dag_callable`` at ``might_contain_dag`` (our Makefile, docker-compose.yaml and
test stacks do) and such files are parsed too.
"""

from __future__ import annotations

import zipfile

from airflow.utils.file import might_contain_dag_via_default_heuristic

__all__ = ["might_contain_dag"]

_MARKER = b"airflow_dynflow"


def might_contain_dag(file_path: str, zip_file: zipfile.ZipFile | None = None) -> bool:
    """Airflow's own heuristic, or a mention of ``airflow_dynflow`` in the file."""
    if might_contain_dag_via_default_heuristic(file_path, zip_file):
        return True
    if zip_file is not None:
        with zip_file.open(file_path) as handle:
            return _MARKER in handle.read()
    with open(file_path, "rb") as handle:
        return _MARKER in handle.read()
