"""Texts of warnings and notes of the core: what is said without raising, worded once like the errors.

Kept apart from ``core.errors`` so the error modules hold only what is raised.
"""

from __future__ import annotations

import typing

__all__ = ["options_not_honoured"]


def options_not_honoured(owner: str, names: typing.Iterable[str]) -> str:
    """A warning's text: flytekit options that are accepted so that Flyte code runs, but do nothing here."""
    return (
        f"{owner}: flytekit option(s) {', '.join(sorted(names))} have no effect on airflow-dynflow; "
        "see docs/flytekit.md for what to use instead"
    )
