"""The request a parent node sends to a child run of the runner DAG: which dynamic, its inputs,
and who asked, signed for that one run.

The runner DAG takes its work from the run's conf, which anybody allowed to trigger DAGs can write.
So the conf is a request only if a parent node signed it for exactly this runner DAG and run id;
anything else (a manual trigger, an edited conf, a request replayed into another run) is refused
before a byte of it is decoded or a module imported. The dynamic is named by ``module:qualname``
and source version only: no file path travels.
"""

from __future__ import annotations

from typing import Any

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.payloads import canonical_json, location
from airflow_dynflow.core.signing import Signer

__all__ = ["request_location", "result_location", "signed_request", "verified_request"]

_PARTS = ("dynamic", "inputs", "parent")


def request_location(runner_dag_id: str, run_id: str) -> str:
    """Where a child run's input envelopes are signed for (``store.payloads.location``)."""
    return location(runner_dag_id, run_id, "request")


def result_location(runner_dag_id: str, run_id: str) -> str:
    """Where a child run's outputs come from: the runner DAG's ``result`` task."""
    return location(runner_dag_id, run_id, "result")


def signed_request(
    signer: Signer,
    runner_dag_id: str,
    run_id: str,
    *,
    dynamic: dict[str, str],
    inputs: dict[str, Any],
    parent: dict[str, Any],
) -> dict[str, Any]:
    body = {"dynamic": dynamic, "inputs": inputs, "parent": parent}
    return {**body, "sig": signer.sign("child-request", runner_dag_id, run_id, canonical_json(body))}


def verified_request(signer: Signer, conf: object, runner_dag_id: str, run_id: str) -> dict[str, Any]:
    if not isinstance(conf, dict) or set(conf) != {*_PARTS, "sig"}:
        raise errors.bad_child_request_shape(runner_dag_id, run_id)
    body = canonical_json({part: conf[part] for part in _PARTS})
    if not signer.verify(conf["sig"], "child-request", runner_dag_id, run_id, body):
        raise errors.forged_child_request(runner_dag_id, run_id, signer.mismatch(conf["sig"]))
    dynamic, inputs = conf["dynamic"], conf["inputs"]
    well_formed = (
        isinstance(dynamic, dict)
        and set(dynamic) == {"ref", "version"}
        and all(isinstance(v, str) for v in dynamic.values())
        and isinstance(inputs, dict)
        and isinstance(conf["parent"], dict)
    )
    if not well_formed:
        raise errors.bad_child_request_shape(runner_dag_id, run_id)
    return conf
