"""The request a parent node sends to a child run of the runner DAG: which dynamic, its inputs,
and who asked, signed for that one run.

The runner DAG takes its work from the run's conf, which anybody allowed to trigger DAGs can write.
So the conf is a request only if a parent node signed it for exactly this runner DAG and run id;
anything else (a manual trigger, an edited conf, a request replayed into another run) is refused
before a byte of it is decoded or a module imported. The dynamic is named by ``module:qualname``
and source version only: no file path travels.

The run id itself is bound to the request (``request_identity``): a keyed digest of the parent's
place, the dynamic and its inputs' digest. Names are never joined to make it, so no two places or
requests share an id, and without the deployment's key nobody can tell an id before the parent
creates the run, so nobody can create it first.
"""

from __future__ import annotations

from typing import Any

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.payloads import canonical_json, location
from airflow_dynflow.core.signing import Signer

__all__ = [
    "REQUEST_KEY",
    "request_identity",
    "request_location",
    "result_location",
    "signed_request",
    "verified_request",
]

_PARTS = ("dynamic", "inputs", "parent")
# The XCom a child run's compile pushes once the request held: the parent place it serves.
REQUEST_KEY = "request"
# 128 bits of the HMAC: no collision by chance, and not guessable without the key.
_IDENTITY_HEX = 32


def request_identity(
    signer: Signer, runner_dag_id: str, parent: dict[str, Any], dynamic: dict[str, str], inputs_digest: str
) -> str:
    """The part of a child run's id that says which request it serves: the parent node's place
    (DAG, run, task, map index, node), the dynamic (reference and source version) and its inputs'
    digest, under the deployment's key. Structured and length-prefixed, never joined by a separator."""
    body = canonical_json({"parent": parent, "dynamic": dynamic, "inputs": inputs_digest})
    return signer.keyed_digest("child-run-id", runner_dag_id, body)[:_IDENTITY_HEX]


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
