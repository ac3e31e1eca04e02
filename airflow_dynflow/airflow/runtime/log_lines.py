"""How values and nodes read in task logs: every operator shows a value the same way, cut short, and
a generated node says what it runs in as few records as it can."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["node_log_lines", "shown"]

_SHOWN_CHARS = 200
# A node's "running" line with its inputs on it, up to this long; longer, the inputs fold below it.
_ONE_LINE_CHARS = 300


def shown(value: Any) -> str:
    """A value as a log line shows it: its repr, cut to ``_SHOWN_CHARS`` characters."""
    text = repr(value)
    if len(text) <= _SHOWN_CHARS:
        return text
    return f"{text[: _SHOWN_CHARS - 3]}... ({len(text)} characters)"


def node_log_lines(label: str, deps: list[str], inputs: Mapping[str, Any]) -> list[str]:
    """What a node logs before it runs: itself, its dependencies by label and its inputs (each cut
    by ``shown``) on one line, or, when that would pass ``_ONE_LINE_CHARS``, its inputs folded into
    a log group under that line. As few records as that takes: each is a message to the supervisor
    and a line it writes, and a packed instance logs every one of its nodes."""
    head = f"running {label}; depends on: {', '.join(deps) if deps else 'nothing (a root node)'}"
    shown_inputs = [f"input {name} = {shown(value)}" for name, value in inputs.items()]
    line = "; ".join([head, *shown_inputs])
    if len(line) <= _ONE_LINE_CHARS:
        return [line]
    return [f"::group::{head}", *shown_inputs, "::endgroup::"]
