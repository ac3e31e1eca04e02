"""Texts of the Airflow runtime's notes and log lines: what is said without raising, worded once.

Kept apart from ``airflow.errors`` so the error modules hold only what is raised.
"""

from __future__ import annotations

__all__ = ["child_run_note", "not_on_this_airflow", "triggerer_not_alive"]


def child_run_note(parent_dag_id: str, parent_run_id: str, label: str, dynamic: str) -> str:
    return f"child run of node {label} ({dynamic}) in {parent_dag_id} / {parent_run_id}"


def not_on_this_airflow(what: str, since: str) -> str:
    """The log line for behaviour the running Airflow lacks: the rest of the run goes on without it."""
    from airflow import __version__

    return f"Airflow {__version__} has no {what} (Airflow {since}+): running without it"


# --- h23b ---
def triggerer_not_alive(deferred: int, silent_for: float | None) -> str:
    """The graph page's notice: a stalled dynamic otherwise looks like a slow one."""
    since = "no triggerer has run" if silent_for is None else f"no triggerer heartbeat for {silent_for:.0f}s"
    return (
        f"{deferred} deferred task instance(s) wait on the triggerer, but {since}: "
        "check that `airflow triggerer` is running (and its log)"
    )
