"""The "Dynamic graph" model: futures-spec wire JSON + instance states -> nodes, edges, aggregates."""

from __future__ import annotations

import json

import pytest

from airflow_dynflow.airflow.errors import BadFuturesSpecError, IntegrityError
from airflow_dynflow.airflow.plugins.graph_model import (
    ChildRef,
    Instance,
    aggregate,
    build_dynamic,
    depths,
    wire_deps,
)
from airflow_dynflow.airflow.plugins.graph_page import render_page
from airflow_dynflow.airflow.plugins.graph_source import RunGraph, verified_wire
from airflow_dynflow.airflow.store.futures_spec import digest_of
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as e

TASKS = {"inc": {"kind": "task"}, "sub": {"kind": "dynamic"}}


def chain(n: int) -> dict:
    return {"tasks": TASKS, "nodes": [{"t": "inc"}] + [{"t": "inc", "r": {"x": i}} for i in range(n - 1)]}


def test_deps_come_from_refs_collections_and_after():
    node = {"t": "inc", "r": {"x": {"n": 4, "out": "o1"}, "xs": {"list": [1, {"dict": {"k": 2}}]}}, "a": [0]}
    assert wire_deps(node) == [4, 1, 2, 0]


def test_a_node_of_a_conditional_case_depends_on_its_decide_node():
    assert wire_deps({"t": "inc", "r": {"x": 1}, "w": [3, 0]}) == [1, 3]


def test_workflow_inputs_and_constants_are_not_dependencies():
    assert wire_deps({"t": "inc", "r": {"x": {"i": "s1"}, "y": {"c": "ab12"}}, "v": {"z": 3}}) == []


def test_nodes_carry_label_state_duration_and_deps():
    wire = chain(3)
    wire["nodes"][2]["o"] = {"name": "last"}
    g = build_dynamic(
        "grp", wire, batch=1, instances={0: Instance("success", 2.0, 1), 1: Instance("running")}
    )
    assert [(n.id, n.label, n.state, n.deps) for n in g.nodes] == [
        ("n0", "n0 inc", "success", ()),
        ("n1", "n1 inc", "running", ("n0",)),
        ("n2", "n2 last", "no_status", ("n1",)),
    ]
    assert g.nodes[0].duration == 2.0 and g.states() == {"success": 1, "running": 1, "no_status": 1}


def test_batched_nodes_share_their_instance_state():
    g = build_dynamic("grp", chain(5), batch=2, instances={0: Instance("success"), 1: Instance("failed")})
    assert [(n.map_index, n.state) for n in g.nodes] == [
        (0, "success"),
        (0, "success"),
        (1, "failed"),
        (1, "failed"),
        (2, "no_status"),
    ]


def test_a_nested_dynamic_names_its_child_run_and_inline_ones_do_not():
    wire = {"tasks": TASKS, "nodes": [{"t": "inc"}, {"t": "sub", "r": {"x": 0}}]}
    child_of = lambda label, i: ChildRef("wf__dynflow", f"{label}@{i}")  # noqa: E731
    g = build_dynamic("grp", wire, batch=1, instances={}, child_of=child_of)
    assert [n.child for n in g.nodes] == [None, ChildRef("wf__dynflow", "n1 sub@1")]
    inline = build_dynamic("grp", wire, batch=2, instances={}, child_of=child_of)
    assert [n.child for n in inline.nodes] == [None, None]


def test_depths_are_longest_paths_from_a_root():
    assert depths(["a", "b", "c", "d"], {"b": ["a"], "c": ["a", "b"], "d": []}) == {
        "a": 0,
        "b": 1,
        "c": 2,
        "d": 0,
    }


def test_small_dynamics_are_not_aggregated():
    g = build_dynamic("grp", chain(10), batch=1, instances={})
    assert aggregate(g, above=10) is g


def test_large_dynamics_fold_into_task_and_state_boxes_with_counts():
    wire = {
        "tasks": TASKS,
        "nodes": [{"t": "inc"} if i % 2 == 0 else {"t": "dbl", "r": {"x": i - 1}} for i in range(10_000)],
    }
    states = {i: Instance("success" if i < 6_000 else "failed") for i in range(10_000)}
    g = aggregate(build_dynamic("grp", wire, batch=1, instances=states), above=300)
    assert [(a.id, a.count) for a in g.aggregates] == [
        ("inc:failed", 2_000),
        ("inc:success", 3_000),
        ("dbl:failed", 2_000),
        ("dbl:success", 3_000),
    ]
    assert set(g.aggregate_edges) == {("inc:success", "dbl:success"), ("inc:failed", "dbl:failed")}
    assert len(g.to_json()["nodes"]) == 10_000


def _embedded(page: str) -> dict:
    data = page.split('<script type="application/json" id="dynflow-graph">')[1].split("</script>")[0]
    return json.loads(data)


def test_the_page_embeds_every_node_and_the_result_for_its_script_to_draw():
    big = build_dynamic("grp", chain(1000), batch=1, instances={0: Instance("success")})
    page = render_page(RunGraph("wf", "r1", "success", [big], 7))
    data = _embedded(page)
    assert data["result"] == 7 and len(data["dynamics"][0]["nodes"]) == 1000
    assert '<input type="search" id="search"' in page


def test_run_supplied_text_cannot_close_the_pages_script_tags():
    wire = {"tasks": TASKS, "nodes": [{"t": "inc", "o": {"name": "</script><script>alert(1)</script>"}}]}
    page = render_page(RunGraph("wf<b>", "r1", "success", [build_dynamic("g", wire, batch=1, instances={})]))
    assert "alert(1)</script>" not in page and "wf<b>" not in page
    assert _embedded(page)["dynamics"][0]["nodes"][0]["task"] == "</script><script>alert(1)</script>"


def test_wire_deps_agree_with_the_compiled_spec():
    for spec in (e.kinds.compile(n=2), e.bindings.compile(word="abc"), e.fan.compile(n=3)):
        g = build_dynamic("g", json.loads(dump_spec(spec)), batch=1, instances={})
        assert [n.deps for n in g.nodes] == [tuple(f"n{d}" for d in node.depends_on()) for node in spec.nodes]
    kinds = build_dynamic("g", json.loads(dump_spec(e.kinds.compile(n=2))), batch=1, instances={})
    assert [(n.label, n.kind) for n in kinds.nodes] == [
        ("n0 double", "task"),
        ("n1 twice", "task"),
        ("n2 chain", "dynamic"),
        ("n3 map_double", "map"),
        ("n4 add", "task"),
    ]


def _signed_spec(signer: Signer) -> str:
    return dump_spec(e.bindings.compile(word="ab"), signer)


def test_a_signed_spec_reads_back_as_wire_json():
    signer = Signer([b"k" * 32])
    text = _signed_spec(signer)
    wire = verified_wire(text, digest_of(text) or "", signer, "runs/x/spec.json")
    assert len(wire["nodes"]) == len(json.loads(text)["nodes"])


def test_a_spec_signed_with_another_key_or_edited_is_refused():
    text = _signed_spec(Signer([b"k" * 32]))
    with pytest.raises(IntegrityError):
        verified_wire(text, digest_of(text) or "", Signer([b"other" * 8]), "runs/x/spec.json")
    edited = text.replace('"letters"', '"letterz"', 1)
    with pytest.raises(IntegrityError):
        verified_wire(edited, digest_of(edited) or "", Signer([b"k" * 32]), "runs/x/spec.json")
    with pytest.raises(BadFuturesSpecError):
        verified_wire(text, "hmac-sha256:" + "0" * 64, Signer([b"k" * 32]), "runs/x/spec.json")


def test_the_graph_page_shows_a_node_name_without_its_bidi_override():
    wire = {"tasks": {"inc": {"kind": "task"}}, "nodes": [{"t": "inc", "o": {"name": "\u202eevil"}}]}
    [node] = build_dynamic("d", wire, batch=1, instances={}).nodes
    assert (node.task, node.label) == ("evil", "n0 evil")


def test_a_node_that_did_not_run_names_the_dependency_it_did_not_run_for():
    g = build_dynamic("g", chain(4), batch=1, instances={}, not_run={2: 1, 3: 1})
    assert [n.not_run_for for n in g.nodes] == [None, None, "n1 inc", "n1 inc"]


def test_a_failed_node_carries_the_class_and_first_line_it_raised():
    instances = {1: Instance("failed"), 2: Instance("failed")}
    g = build_dynamic("g", chain(3), batch=1, instances=instances, node_errors=[("n1", "ValueError", "no")])
    assert [n.error for n in g.nodes] == [None, ("ValueError", "no"), None]
    assert g.nodes[1].to_json()["error"] == {"type": "ValueError", "line": "no"}


def test_an_error_record_of_a_node_that_since_succeeded_is_not_shown():
    instances = {1: Instance("success")}
    g = build_dynamic("g", chain(2), batch=1, instances=instances, node_errors=[("n1", "E", "x")])
    assert g.nodes[1].error is None


def test_a_packed_instance_that_did_not_run_is_named_by_its_node_range():
    g = build_dynamic("g", chain(6), batch=2, instances={}, not_run={2: 1})
    assert g.nodes[4].not_run_for == "n2-n3 (map index 1)"


def test_a_node_whose_task_made_decks_carries_its_deck_url_and_others_none():
    def deck_of(node: str, map_index: int) -> str | None:
        return f"/dynflow/deck/wf/r/nodes/{map_index}?node={node}" if node == "n1" else None

    g = build_dynamic("chain", chain(2), batch=1, instances={}, deck_of=deck_of)
    assert [n.to_json()["deck_url"] for n in g.nodes] == [None, "/dynflow/deck/wf/r/nodes/1?node=n1"]
