"""Labels of our mapped instances: what ``map_index_template`` renders in the UI."""

from __future__ import annotations

from airflow.sdk import DAG

from airflow_dynflow.airflow.runtime.labels import LABEL_TEMPLATE, element_label, set_label


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
