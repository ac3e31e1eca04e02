"""The DAG's last task: the workflow's result as its ``return_value`` XCom, plain JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, Context

from airflow_dynflow.airflow.runtime.inputs import check_conf, workflow_resolver
from airflow_dynflow.airflow.runtime.log_lines import shown
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core.authoring.entities import Workflow

__all__ = ["DynflowOutputsOperator"]


class DynflowOutputsOperator(BaseOperator):
    """One output is the value itself, several an object keyed by output name, none ``null``."""

    ui_color = "#dcfce7"

    def __init__(self, *, workflow: Workflow, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.sources = dict(sources)

    def execute(self, context: Context) -> Any:
        wf = self.workflow
        check_conf(wf, context)
        resolver = workflow_resolver(wf, context, self.sources, Payloads(BlobStore(), download=False))
        params = wf.interface.outputs
        values = {
            name: params[name].converter.to_jsonable(
                wf.interface.check_output(name, resolver.value(b, self.task_id, name))
            )
            for name, b in wf.spec.outputs.items()
        }
        result: Any = values
        if not params:
            result = None
            # Airflow pushes nothing for None; the contract says the result of a workflow without
            # outputs is null, so push it.
            context["ti"].xcom_push(key="return_value", value=None)
        elif len(params) == 1 and wf.interface.output_tuple is None:
            result = next(iter(values.values()))
        # Airflow 3.3.2's task SDK has no call that sets the task's own run's note, so the result is
        # logged here (and shown on the "Dynamic graph" page) rather than written as the note.
        self.log.info("%s: workflow result %s", wf.name, shown(result))
        return result
