"""How our mapped task instances are named in the UI: ``x=3`` for a map element, ``n7 update_list``
for a generated node.

Every mapped task of ours sets ``map_index_template`` to ``LABEL_TEMPLATE``; the instance puts its
label in the context with ``set_label`` and Airflow renders it after the task ran.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow.sdk import Context

__all__ = ["LABEL_TEMPLATE", "element_label", "set_label"]

LABEL_TEMPLATE = "{{ dynflow_label }}"
_SHOWN = 30


def set_label(context: Context, label: str) -> None:
    context["dynflow_label"] = label  # type: ignore[typeddict-unknown-key]


def element_label(element: Mapping[str, Any]) -> str:
    """``x=3`` or ``a=1, b='k'``: enough to recognise an element in the mapped-instances list."""
    parts = []
    for name, stored in element.items():
        shown = json.dumps(stored["v"]) if "v" in stored else "<blob>"
        parts.append(f"{name}={shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + '...'}")
    return ", ".join(parts)
