"""``map_task`` as Airflow dynamic task mapping: split, one mapped instance per element, collect.

* ``split`` resolves and checks the list inputs (same length, within ``[core] max_map_length``) and
  returns one small element envelope per index; Airflow expands over that list.
* the element task is ``.partial(...).expand(element=split.output)``, labelled from its element
  through ``map_index_template``, with ``max_active_tis_per_dagrun`` = the map's ``concurrency``.
* ``collect`` gathers the element outputs, in order, into the map node's list output. With
  ``min_success_ratio < 1`` it runs after failed elements too (``all_done``), puts None in their
  place and fails only below the ratio; failed elements stay red in the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, BaseOperatorLink, Context

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import conf
from airflow_dynflow.airflow.runtime.entity_calls import run_entity
from airflow_dynflow.airflow.runtime.idempotency import generation_start, set_idempotency_key
from airflow_dynflow.airflow.runtime.inputs import check_conf, workflow_resolver
from airflow_dynflow.airflow.runtime.instance_decks import DeckLink, deck_links, instance_decks
from airflow_dynflow.airflow.runtime.map_labels import element_label, set_label, with_label
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.deck_pages import STATIC_NODE
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.authoring.entities import Workflow, checked_inputs
from airflow_dynflow.core.authoring.map_task import MapTask, element_count

__all__ = ["MapCollectOperator", "MapElementOperator", "MapSplitOperator"]


def _map_entity(wf: Workflow, node: int) -> MapTask:
    entity = wf.spec.entity(wf.spec.nodes[node])
    assert isinstance(entity, MapTask)
    return entity


class MapSplitOperator(BaseOperator):
    ui_color = "#fef9c3"

    def __init__(self, *, workflow: Workflow, node: int, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.sources = dict(sources)

    def execute(self, context: Context) -> list[dict[str, Any]]:
        wf = self.workflow
        check_conf(wf, context)
        mapper = _map_entity(wf, self.node)
        store = BlobStore()
        payloads = Payloads(store, download=False)
        raw = workflow_resolver(wf, context, self.sources, payloads).inputs(self.node, self.task_id)
        lists = checked_inputs(mapper.interface, raw)
        shared = {name: lists.pop(name) for name in mapper.map.broadcast}
        size = element_count(mapper.name, lists)
        limit = conf.getint("core", "max_map_length")
        if size > limit:
            raise errors.map_too_long(mapper.name, size, limit)
        params = mapper.task.interface.inputs
        base = store.run_path(self.dag_id, context["run_id"], self.task_id)
        where = location(self.dag_id, context["run_id"], self.task_id)
        elements = [
            {
                name: payloads.encode(
                    params[name].converter, value, base / str(i) / name, f"{where}/{i}/{name}"
                )
                for name, value in {**{n: values[i] for n, values in lists.items()}, **shared}.items()
            }
            for i in range(size)
        ]
        context["ti"].xcom_push(key="count", value=size)
        return elements


class MapElementOperator(BaseOperator):
    ui_color = "#dbeafe"
    # A mapped operator's links are its class's; an instance without decks drops it (``deck_links``).
    operator_extra_links: tuple[BaseOperatorLink, ...] = (DeckLink(),)

    def __init__(
        self, *, workflow: Workflow, node: int, split_id: str, element: Mapping[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.split_id = split_id
        self.element = element

    def execute(self, context: Context) -> Any:
        mapper = _map_entity(self.workflow, self.node)
        task = mapper.task
        self.operator_extra_links = deck_links(task)
        params = task.interface.inputs
        map_index = context["ti"].map_index
        if not isinstance(self.element, Mapping) or set(self.element) - set(params):
            raise errors.bad_element_shape(map_index, self.split_id)
        set_label(context, element_label(self.element))
        store = BlobStore()
        payloads = Payloads(store)
        element_at = location(self.dag_id, context["run_id"], self.split_id) + f"/{map_index}"
        inputs = {
            name: payloads.decode(params[name].converter, s, f"{element_at}/{name}")
            for name, s in self.element.items()
        }
        generation = generation_start(context["ti"], self.retries)
        key = set_idempotency_key(context, f"{self.task_id}/{map_index}", generation)
        execution = (context["run_id"], key)
        decks = instance_decks(self, context, store)
        outputs = run_entity(
            self.task_id,
            task,
            {**mapper.map.bound, **inputs},
            store,
            execution=execution,
            deck=decks.sink(STATIC_NODE),
        )
        decks.push(context)
        base = store.run_path(self.dag_id, context["run_id"], self.task_id, str(map_index))
        where = location(self.dag_id, context["run_id"], self.task_id, map_index)
        return with_label(context, payloads.encode_outputs(task.interface, outputs, base, where))


class MapCollectOperator(BaseOperator):
    ui_color = "#fef9c3"

    def __init__(
        self, *, workflow: Workflow, node: int, split_id: str, element_id: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.split_id = split_id
        self.element_id = element_id

    def execute(self, context: Context) -> Any:
        mapper = _map_entity(self.workflow, self.node)
        ti = context["ti"]
        size = ti.xcom_pull(task_ids=self.split_id, key="count")
        if size is None:
            raise errors.nothing_to_collect(mapper.name, self.split_id)
        # A list of task ids always gets a list back, in map-index order, in one call.
        envelopes = ti.xcom_pull(task_ids=[self.element_id]) if size else []
        if envelopes is None or len(envelopes) != size:
            envelopes = ti.xcom_pull(task_ids=self.element_id, map_indexes=list(range(size)))
        store = BlobStore()
        payloads = Payloads(store, download=False)
        task = mapper.task.interface
        elements_at = [location(self.dag_id, context["run_id"], self.element_id, i) for i in range(size)]
        results = [
            None if env is None or not task.outputs else payloads.decode_outputs(task, env, at)["o0"]
            for env, at in zip(envelopes, elements_at, strict=True)
        ]
        mapper.check_success_ratio(sum(env is not None for env in envelopes), size)
        if not task.outputs:
            return {}
        base = store.run_path(self.dag_id, context["run_id"], self.task_id)
        where = location(self.dag_id, context["run_id"], self.task_id)
        return payloads.encode_outputs(mapper.interface, {"o0": results}, base, where)
