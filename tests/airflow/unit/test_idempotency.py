"""A node's idempotency key is the same for every try of one generation and changes once the node
is cleared (clearing raises ``max_tries``), so effects keyed on it happen once per generation."""

from __future__ import annotations

from types import SimpleNamespace

from airflow_dynflow.airflow.runtime.idempotency import CONTEXT_KEY, generation_start, set_idempotency_key


def test_the_generation_starts_at_the_first_try_since_the_last_clear():
    assert generation_start(SimpleNamespace(max_tries=2), retries=2) == 1
    assert generation_start(SimpleNamespace(max_tries=5), retries=2) == 4


def test_the_key_names_dag_run_node_and_generation_and_is_put_in_the_context():
    context = {"ti": SimpleNamespace(dag_id="wf"), "run_id": "r1"}
    key = set_idempotency_key(context, "d.nodes/n3", 4)  # type: ignore[arg-type]
    assert key == "wf/r1/d.nodes/n3@4"
    assert context[CONTEXT_KEY] == key


def test_every_try_of_a_generation_gets_the_same_key_and_a_clear_a_new_one():
    context = {"ti": SimpleNamespace(dag_id="wf"), "run_id": "r1"}
    before_clear = {
        set_idempotency_key(context, "t", generation_start(SimpleNamespace(max_tries=m), 2))  # type: ignore[arg-type]
        for m in (2, 2)
    }
    after_clear = set_idempotency_key(context, "t", generation_start(SimpleNamespace(max_tries=5), 2))  # type: ignore[arg-type]
    assert len(before_clear) == 1 and after_clear not in before_clear
