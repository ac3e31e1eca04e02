"""graph_lines: what a compile task logs, one line per generated node with its dependencies."""

from __future__ import annotations

from airflow_dynflow.airflow.operators.compile import graph_lines
from tests import entities as e


def test_each_node_is_listed_with_the_nodes_it_reads():
    assert graph_lines(e.chain.compile(n=3)) == ["  n0 add", "  n1 add <- n0", "  n2 add <- n1"]


def test_a_fan_in_lists_every_node_it_reads():
    assert graph_lines(e.fan.compile(n=3))[-1] == "  n3 total <- n0, n1, n2"


def test_a_renamed_call_shows_its_name():
    assert graph_lines(e.kinds.compile(n=1))[1] == "  n1 twice <- n0"


def test_nested_dynamics_and_maps_say_their_kind():
    lines = graph_lines(e.kinds.compile(n=1))
    assert lines[2:4] == ["  n2 chain (dynamic)", "  n3 map_double (map)"]


def test_an_ordering_only_dependency_is_listed_after_the_inputs():
    assert graph_lines(e.kinds.compile(n=1))[4] == "  n4 add <- n2, n1, n3"


def test_past_two_hundred_nodes_the_rest_are_counted():
    lines = graph_lines(e.fan.compile(n=202))
    assert len(lines) == 201
    assert lines[199] == "  n199 double"
    assert lines[200] == "  ... and 3 more nodes"


def test_two_hundred_nodes_are_listed_without_a_count():
    lines = graph_lines(e.fan.compile(n=199))
    assert len(lines) == 200
    assert lines[-1].startswith("  n199 total <- n0, n1")
