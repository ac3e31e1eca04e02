"""Child run ids read by node and obey Airflow's run-id rules; modules show the user's name."""

from __future__ import annotations

import re

from airflow_dynflow.airflow.operators.child_run import child_run_id, display_ref

# [scheduler] allowed_run_id_pattern's default in Airflow 3.3.2
ALLOWED = re.compile(r"^[A-Za-z0-9_.~:+-]+$")


def test_the_child_run_id_starts_with_the_parent_nodes_label():
    run_id = child_run_id("n0 middle", "manual__2026-11-29T04:18:04.714460+00:00", "outer.nodes", 0)
    assert run_id == "n0_middle__manual__2026-11-29T04:18:04.714460+00:00__outer.nodes__0"
    assert ALLOWED.match(run_id)


def test_odd_labels_become_allowed_characters_without_double_dots():
    run_id = child_run_id("n3 a/b..c (x)", "r1", "g.nodes", 3)
    assert ALLOWED.match(run_id) and ".." not in run_id and run_id.startswith("n3_a_b._c_x")


def test_long_ids_stay_within_250_characters_unique_and_stable():
    parent = "p" * 240
    a = child_run_id("n1 chain", parent, "nodes", 1)
    b = child_run_id("n1 chain", parent + "x", "nodes", 1)
    assert len(a) <= 250 and a.startswith("n1_chain__") and a.endswith("__1")
    assert a != b and a == child_run_id("n1 chain", parent, "nodes", 1)


def test_a_dagbag_module_name_shows_as_the_users_module():
    assert display_ref("unusual_prefix_0123abcd_nested:middle") == "nested:middle"
    assert display_ref("pkg.flows:middle") == "pkg.flows:middle"
