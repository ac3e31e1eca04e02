"""``Secret`` and ``current_context().secrets``: flytekit's secret requests, resolved by a runtime.

A task declares what it needs (``@task(secret_requests=[Secret(group="db", key="password")])``);
requesting is what grants, as on Flyte, so a task that reads a secret it did not request fails,
naming the task, the group and the key, locally as on Airflow. Only the request (group, key) is
part of the task; a value is looked up when the function asks for it and is never stored, traced
or logged by us.

Where a value comes from is a ``SecretSource``: locally flytekit's rules (``LocalSecrets``: the
environment variable ``_FSEC_<GROUP>_<KEY>``, upper-cased, then the file
``<secrets dir>/<group>/<key>``, lower-cased); on Airflow its connections and variables
(``airflow.runtime.secret_lookup``), so any secrets backend a deployment configured serves them.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from airflow_dynflow.core import errors

__all__ = ["LOCAL_SECRETS", "LocalSecrets", "Secret", "SecretSource", "Secrets", "checked_requests"]


@dataclass(frozen=True, slots=True)
class Secret:
    """A task's request for one secret: ``group`` (and ``key`` within it), as in flytekit."""

    class MountType(enum.Enum):
        """flytekit's ways to mount a secret into a container; accepted, and the same here: the
        task reads it through ``current_context().secrets``."""

        ANY = 0
        ENV_VAR = 1
        FILE = 2

    group: str | None = None
    key: str | None = None
    group_version: str | None = None
    mount_requirement: Secret.MountType = MountType.ANY

    def __post_init__(self) -> None:
        if not self.group and not self.key:
            raise errors.secret_without_name()

    def names(self) -> tuple[str, ...]:
        """group, group version and key, those that are set, in flytekit's order."""
        return tuple(p for p in (self.group, self.group_version, self.key) if p)

    def matches(self, group: str | None, key: str | None) -> bool:
        return (self.group or None, self.key or None) == (group or None, key or None)


def checked_requests(owner: str, given: Any) -> tuple[Secret, ...]:
    """``secret_requests=`` as a tuple of ``Secret``, or the error naming ``owner``."""
    if given is None:
        return ()
    if isinstance(given, Secret) or not isinstance(given, Sequence) or isinstance(given, str):
        raise errors.bad_secret_requests(owner, given)
    for item in given:
        if not isinstance(item, Secret):
            raise errors.bad_secret_requests(owner, item)
    return tuple(given)


class SecretSource(Protocol):
    """Where a runtime finds a requested secret's value."""

    def find(self, secret: Secret, encode_mode: str) -> str | bytes | None:
        """The value, or None when this source has none."""

    def where(self, secret: Secret) -> str:
        """Where it looked, for the error that says how to provide the secret."""


class LocalSecrets:
    """flytekit's local rules: an environment variable, then a file. flytekit's own settings move
    them (``FLYTE_SECRETS_ENV_PREFIX``, ``FLYTE_SECRETS_DEFAULT_DIR``, ``FLYTE_SECRETS_FILE_PREFIX``)."""

    def env_var(self, secret: Secret) -> str:
        prefix = os.environ.get("FLYTE_SECRETS_ENV_PREFIX", "_FSEC_")
        return prefix + "_".join(p.upper() for p in secret.names())

    def file(self, secret: Secret) -> str:
        parts = [p.lower() for p in secret.names()]
        parts[-1] = os.environ.get("FLYTE_SECRETS_FILE_PREFIX", "") + parts[-1]
        return os.path.join(os.environ.get("FLYTE_SECRETS_DEFAULT_DIR", "/etc/secrets"), *parts)

    def find(self, secret: Secret, encode_mode: str) -> str | bytes | None:
        value = os.environ.get(self.env_var(secret))
        if value is not None:
            return value
        path = self.file(secret)
        if not os.path.isfile(path):
            return None
        with open(path, encode_mode) as f:
            content: str | bytes = f.read()
        return content.strip()

    def where(self, secret: Secret) -> str:
        return f"the environment variable {self.env_var(secret)} or the file {self.file(secret)}"


LOCAL_SECRETS = LocalSecrets()


class Secrets:
    """``current_context().secrets``: ``get(group, key)``, or ``secrets.<group>.<key>``."""

    def __init__(self, task: str, requests: Sequence[Secret], source: SecretSource) -> None:
        self._task = task
        self._requests = tuple(requests)
        self._source = source

    def get(
        self,
        group: str | None = None,
        key: str | None = None,
        group_version: str | None = None,
        encode_mode: str = "r",
    ) -> Any:
        """The value of a secret this task requested; a ValueError naming how to provide a missing one."""
        if not group and not key:
            raise errors.secret_without_name()
        requested = next((s for s in self._requests if s.matches(group, key)), None)
        if requested is None:
            raise errors.secret_not_requested(self._task, group, key)
        if group_version is not None and requested.group_version != group_version:
            requested = Secret(group, key, group_version)
        value = self._source.find(requested, encode_mode)
        if value is None:
            raise errors.secret_not_found(self._task, group, key, self._source.where(requested))
        return value

    def __getattr__(self, group: str) -> _Group:
        if group.startswith("_"):
            raise AttributeError(group)
        return _Group(self, group)


@dataclass(frozen=True, slots=True)
class _Group:
    """``secrets.<group>``: its keys as attributes, as flytekit allows."""

    secrets: Secrets
    group: str

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self.secrets.get(self.group, key)
