"""Where a task's requested secrets come from on Airflow: its connections, then its variables.

``Secret(group=G, key=K)`` reads, through Airflow's own lookup (so environment variables
``AIRFLOW_CONN_*``/``AIRFLOW_VAR_*``, any configured secrets backend, then the metadata DB):

1. the Connection ``G``: ``K`` is one of its fields (``password``, ``login``, ``host``, ``schema``,
   ``port``, ``conn_type``, ``extra``: the extra's JSON text) or a key of its extra; without a key,
   its password;
2. else the Variable ``G.K`` (``G`` without a key).

A value found is handed to Airflow's secrets masker before the function sees it, so a task that
prints it (or an exception that quotes it) shows ``***`` in its log. Nothing of ours stores, pushes
or logs a value: the request (group, key) is all that is part of the task.
"""

from __future__ import annotations

import json
from typing import Any

from airflow_dynflow.airflow import compat
from airflow_dynflow.core.context.secrets import Secret

__all__ = ["CONNECTION_FIELDS", "AirflowSecrets"]

CONNECTION_FIELDS = ("password", "login", "host", "schema", "port", "conn_type", "extra")


class AirflowSecrets:
    """The ``SecretSource`` of tasks on Airflow (see the module docstring for the mapping)."""

    def find(self, secret: Secret, encode_mode: str) -> str | bytes | None:
        value = self._from_connection(secret)
        if value is None:
            from airflow.sdk import Variable

            found = Variable.get(self.variable(secret), default=None)
            value = None if found is None else str(found)
        if value is None:
            return None
        compat.mask_secret(value)
        return value.encode() if "b" in encode_mode else value

    @staticmethod
    def variable(secret: Secret) -> str:
        return ".".join(p for p in (secret.group, secret.key) if p)

    def where(self, secret: Secret) -> str:
        field = secret.key or "password"
        return (
            f"the Airflow connection {secret.group!r} (its {field!r} field, or {field!r} in its extra) "
            f"or the Airflow variable {self.variable(secret)!r} (docs/airflow.md, secrets)"
        )

    @staticmethod
    def _from_connection(secret: Secret) -> str | None:
        if not secret.group:
            return None
        from airflow.sdk import Connection

        try:
            conn: Any = Connection.get(secret.group)
        except compat.AirflowNotFoundException:
            return None
        field = secret.key or "password"
        if field in CONNECTION_FIELDS:
            value = getattr(conn, field, None)
            return None if value is None or value == "" else str(value)
        extra = conn.extra_dejson
        if field not in extra:
            return None
        value = extra[field]
        return value if isinstance(value, str) else json.dumps(value)
