"""Per-node run options (retries, timeout, name, pool ...) and the checks on the values users give.

A task declares them (``@task(retries=2)``), a call overrides them (``.with_overrides(...)``); the
node runs with the two merged. Timeouts and delays are kept as seconds: users may give a
``timedelta``, as in flytekit.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from airflow_dynflow.core import errors, notices
from airflow_dynflow.core.labels import printable
from airflow_dynflow.core.resources import Resources

__all__ = ["NO_OPTIONS", "Options", "checked_options", "seconds", "warn_not_honoured"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """Per-node run options; None means "inherit from the task"."""

    retries: int | None = None
    timeout: float | None = None
    retry_delay: float | None = None
    name: str | None = None
    pool: str | None = None
    queue: str | None = None
    priority_weight: int | None = None
    requests: Resources | None = None
    limits: Resources | None = None

    def merged(self, override: Options) -> Options:
        """These options with every field that ``override`` sets replaced."""
        changes = {k: getattr(override, k) for k in self.__slots__ if getattr(override, k) is not None}
        return Options(**{**{k: getattr(self, k) for k in self.__slots__}, **changes})

    def to_dict(self) -> dict[str, Any]:
        """The set options, JSON-ready (resources as their flytekit-named fields)."""
        out = {}
        for k in self.__slots__:
            value = getattr(self, k)
            if value is not None:
                out[k] = value.to_dict() if isinstance(value, Resources) else value
        return out


NO_OPTIONS = Options()


def seconds(value: float | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def checked_options(owner: str, given: Mapping[str, Any]) -> Options:
    """``Options`` from what a decorator or ``with_overrides`` was given, or the error naming ``owner``.

    Unset (None) values stay unset; unknown names are refused.
    """
    unknown = set(given) - set(Options.__slots__)
    if unknown:
        raise errors.unexpected_options(owner, unknown)
    values = {k: v for k, v in given.items() if v is not None}
    retries = values.get("retries")
    if retries is not None and (not isinstance(retries, int) or isinstance(retries, bool) or retries < 0):
        raise errors.bad_retries(owner, retries)
    for name in ("timeout", "retry_delay"):
        if name in values:
            values[name] = seconds(values[name])
    if values.get("timeout") is not None and values["timeout"] <= 0:
        raise errors.bad_timeout(owner, given["timeout"])
    for name in ("requests", "limits"):
        if name in values and not isinstance(values[name], Resources):
            raise errors.bad_resources(owner, name, values[name])
    if isinstance(values.get("name"), str):
        values["name"] = printable(values["name"])
    return Options(**values)


def warn_not_honoured(owner: str, names: Iterable[str], stacklevel: int) -> None:
    """One warning naming every flytekit option ``owner`` was given that this runtime cannot honour.

    Accepted rather than refused, so a Flyte program imports unchanged; ``stacklevel`` counts from
    the caller of this function, so the warning points at the user's line.
    """
    names = list(names)
    if names:
        warnings.warn(notices.options_not_honoured(owner, names), UserWarning, stacklevel=stacklevel + 1)
