"""A deck page's reference or bytes that were not written by us for that instance."""

from __future__ import annotations

from airflow_dynflow.airflow.errors.tampered import integrity
from airflow_dynflow.airflow.errors.task_failures import IntegrityError
from airflow_dynflow.core.signing import KeyMismatch

__all__ = ["bad_deck_reference", "changed_deck", "forged_deck_reference"]


def bad_deck_reference(where: str) -> IntegrityError:
    return integrity("reference shape", f"the deck reference of {where}")


def forged_deck_reference(where: str, mismatch: KeyMismatch | None = None) -> IntegrityError:
    return integrity("signature", f"the deck reference of {where}", mismatch)


def changed_deck(where: str, key: str) -> IntegrityError:
    return integrity("sha256", f"the deck page {key} of {where}")
