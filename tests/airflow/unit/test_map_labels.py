"""Labels of our mapped instances: what ``map_index_template`` renders in the UI."""

from __future__ import annotations

import pytest
from airflow.sdk import DAG

from airflow_dynflow import dynamic
from airflow_dynflow.airflow.runtime.expansion import Expansion
from airflow_dynflow.airflow.runtime.map_labels import LABEL_TEMPLATE, element_label, set_label
from tests import entities as e


def test_the_template_renders_the_label_an_instance_set():
    # After the task ran, Airflow renders map_index_template with its DAG's template environment
    # against the task's context (task_runner._render_map_index).
    context: dict = {"map_index_template": LABEL_TEMPLATE}
    set_label(context, "n7 update_list")
    env = DAG(dag_id="labelled").get_template_env()
    assert env.from_string(context["map_index_template"]).render(context) == "n7 update_list"


def test_an_inline_element_is_shown_as_json_by_input_name():
    assert element_label({"x": {"v": 3}}) == "x=3"


def test_several_inputs_are_joined_in_order():
    assert element_label({"a": {"v": 1}, "b": {"v": "k"}, "c": {"v": None}}) == 'a=1, b="k", c=null'


def test_an_element_kept_in_the_blob_store_is_shown_as_blob():
    stored = {"blob": "file:///store/runs/wf/r/e0/x.pkl", "codec": "pickle"}
    assert element_label({"x": stored, "y": {"v": 2}}) == "x=<blob>, y=2"


def test_a_value_of_thirty_characters_is_shown_whole():
    text = "a" * 28  # 30 characters once quoted
    assert element_label({"s": {"v": text}}) == f's="{text}"'


def test_a_longer_value_is_cut_to_thirty_characters():
    label = element_label({"xs": {"v": list(range(100))}})
    assert label == "xs=[0, 1, 2, 3, 4, 5, 6, 7, 8,..."
    assert len(label) == len("xs=") + 30


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200f", "\u200b", "\ufeff", "\n", "\x1b", "\u2028"])
def test_a_label_drops_bidi_format_and_control_characters(hidden):
    context: dict = {}
    set_label(context, f"n7 {hidden}evil")
    assert context["dynflow_label"] == "n7 evil"


def test_a_label_keeps_letters_of_every_script():
    context: dict = {}
    set_label(context, "n7 Zürich ✓ שלום")
    assert context["dynflow_label"] == "n7 Zürich ✓ שלום"


def test_a_node_named_from_an_input_is_labelled_without_its_bidi_override():
    @dynamic
    def named(s: str) -> int:
        return e.double(x=1).with_overrides(name=s)

    spec = named.compile(s="\u202eevil")
    expansion = Expansion.plan("runs/wf/r/c/spec-0123456789abcdef.json", "hmac-sha256:ab", 1, 1024)
    assert expansion.labels(spec) == ["n0 evil"]
    assert spec.label(0) == "evil[n0]"
