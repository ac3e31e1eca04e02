"""How our mapped task instances are named in the UI: ``x=3`` for a map element, ``n7 update_list``
for a generated node.

Every mapped task of ours sets ``map_index_template`` to ``LABEL_TEMPLATE``; the instance puts its
label in the context with ``set_label`` and Airflow renders it after the task ran. An instance that
succeeds hands its label to the success itself (``with_label``): the task runner sends a rendered map
index in a request of its own only when it differs from the task instance's, and the request that
records the success carries that field anyway. That is one execution-API request fewer per instance;
a skip, a failure or a deferral still sends the label on its way out, so a waiting node is labelled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from airflow.sdk import Context

from airflow_dynflow.core.labels import printable

__all__ = ["LABEL_TEMPLATE", "element_label", "set_label", "with_label"]

_T = TypeVar("_T")

LABEL_TEMPLATE = "{{ dynflow_label }}"
_SHOWN = 30


def set_label(context: Context, label: str) -> None:
    """Every label the UI shows passes here, so it is made printable here, whatever made it."""
    context["dynflow_label"] = printable(label)  # type: ignore[typeddict-unknown-key]


def with_label(context: Context, value: _T) -> _T:
    """``value``, returned by an instance that succeeded, with its label already rendered (see the
    module docstring): Airflow then records the label with the success, in the same request."""
    context["ti"].rendered_map_index = context["dynflow_label"]  # type: ignore[typeddict-item]
    return value


def element_label(element: Mapping[str, Any]) -> str:
    """``x=3`` or ``a=1, b='k'``: enough to recognise an element in the mapped-instances list."""
    parts = []
    for name, stored in element.items():
        shown = json.dumps(stored["v"]) if "v" in stored else "<blob>"
        parts.append(f"{name}={shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + '...'}")
    return ", ".join(parts)
