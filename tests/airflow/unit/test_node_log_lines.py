"""What a generated node logs before it runs: one line when it is short, its inputs folded when not."""

from airflow_dynflow.airflow.runtime.log_lines import node_log_lines


def test_a_node_with_short_inputs_is_one_line():
    lines = node_log_lines("update_list[n3]", ["n1 update_list", "n2 return_index"], {"list_index": 1})
    assert lines == [
        "running update_list[n3]; depends on: n1 update_list, n2 return_index; input list_index = 1"
    ]


def test_a_root_node_says_it_depends_on_nothing():
    assert node_log_lines("inc[n0]", [], {}) == ["running inc[n0]; depends on: nothing (a root node)"]


def test_long_inputs_fold_into_a_log_group_under_the_node_line():
    values = list(range(100))
    lines = node_log_lines("total[n100]", [f"n{i} square" for i in range(3)], {"values": values, "n": 3})
    assert lines[0] == "::group::running total[n100]; depends on: n0 square, n1 square, n2 square"
    assert lines[1].startswith("input values = [0, 1, 2, ") and lines[1].endswith(" characters)")
    assert lines[2:] == ["input n = 3", "::endgroup::"]
