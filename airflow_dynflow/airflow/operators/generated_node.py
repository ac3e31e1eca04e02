"""The generated-node task of a ``@dynamic``: one mapped instance per node of its futures spec
(or per batch of nodes past ``[core] max_map_length``).

An instance waits for its dependencies without holding a worker slot: a short bounded wait in the
worker, then deferral to ``DependenciesTrigger`` under a scheduler, or rescheduling under
``dag.test()`` (where triggers block). A dependency that can never succeed skips the node at once.
A dependency that failed fails it too (``errors.DependencyFailedError``), so that "Clear failed"
on the run clears it with the node that failed. Then ``runtime.node_run.NodeRun`` runs its nodes
and stores their outputs, so a later try of the same generation pushes them instead of running the
functions again. This module keeps only that life cycle: wait, defer, skip, hand over.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import BaseOperator, BaseOperatorLink, Context

from airflow_dynflow.airflow import compat, errors
from airflow_dynflow.airflow.compat import AirflowRescheduleException, conf
from airflow_dynflow.airflow.operators.child_run import ChildRunLink
from airflow_dynflow.airflow.runtime.instance_decks import DeckLink
from airflow_dynflow.airflow.runtime.map_labels import with_label
from airflow_dynflow.airflow.runtime.node_run import NodeRun
from airflow_dynflow.airflow.runtime.polling import INLINE_LIMIT, poll_delays
from airflow_dynflow.airflow.runtime.waiting import DependencyStatus, dependency_status

__all__ = ["GeneratedNodeOperator"]


class GeneratedNodeOperator(BaseOperator):
    ui_color = "#dbeafe"
    operator_extra_links: tuple[BaseOperatorLink, ...] = (ChildRunLink(), DeckLink())

    def __init__(self, *, compile_id: str, runner_dag_id: str, node_label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.compile_id = compile_id
        self.runner_dag_id = runner_dag_id
        self.node_label = node_label

    def execute(self, context: Context) -> Any:
        run = NodeRun(self, context)
        deps, skippable = run.dependencies(), run.skippable()
        status = dependency_status(self.dag_id, context["run_id"], self.task_id, deps, skippable)
        if not status.ready and status.dead is None:
            poll = conf.getfloat("dynflow", "poll_interval", fallback=0.25)
            if compat.is_dag_test():
                raise AirflowRescheduleException(datetime.now(UTC) + timedelta(seconds=poll))
            status = self._wait_inline(context, deps, skippable, poll, status)
            if not status.ready and status.dead is None:
                # Imported only here: ``airflow.triggers.base`` brings asgiref, about 8 ms of CPU in every
                # task process that parses the DAG file, and most instances never defer.
                from airflow_dynflow.airflow.triggers.dependencies import DependenciesTrigger

                self.defer(
                    trigger=DependenciesTrigger(
                        dag_id=self.dag_id,
                        run_id=context["run_id"],
                        task_id=self.task_id,
                        map_indexes=deps,
                        poll_interval=poll,
                        skippable=skippable,
                    ),
                    method_name="resume",
                )
        return with_label(context, self._run_or_skip(run, status.dead, status.state))

    def resume(self, context: Context, event: Mapping[str, Any]) -> Any:
        return with_label(
            context, self._run_or_skip(NodeRun(self, context), event.get("dead"), event.get("state"))
        )

    def execute_complete(self, context: Context, event: Any = None) -> Any:
        """Where a child run's or a gate's wait ends: the task SDK resumes a task that raised
        ``DagRunTriggerException(deferrable=True, wait_for_completion=True)`` into
        ``execute_complete`` whatever the operator asked for, and so does our own wait for a child
        run that a previous try started (``ChildRun._wait``); a gate asks for it (the provider's
        human-in-the-loop wait, or a sleep's deferral)."""
        return with_label(context, NodeRun(self, context).finish(event))

    def _wait_inline(
        self, context: Context, deps: list[int], skippable: list[int], poll: float, status: DependencyStatus
    ) -> DependencyStatus:
        """A short wait in the worker first: a chain's next node is usually ready within a second,
        and deferring costs a trip through the triggerer and a fresh worker. Bounded, so waiting
        instances cannot starve ready ones of worker slots for long. Looks soon, then less often
        (``runtime.polling``)."""
        deadline = time.monotonic() + conf.getfloat("dynflow", "wait_inline_seconds", fallback=1.5)
        delays = poll_delays(min(poll, INLINE_LIMIT))
        while not status.ready and status.dead is None and time.monotonic() < deadline:
            time.sleep(next(delays))
            status = dependency_status(self.dag_id, context["run_id"], self.task_id, deps, skippable)
        return status

    def _run_or_skip(self, run: NodeRun, dead: int | None, state: str | None) -> Any:
        """Only now, with every dependency done, may outputs stored by an earlier try stand in."""
        if dead is not None:
            end = errors.dependency_dead(self.node_label, run.label_of_instance(dead), state)
            # Outside any log group, at WARNING: the first thing a reader of such a node needs.
            self.log.warning("%s", end)
            if isinstance(end, errors.DependencyFailedError):
                run.record_not_run(dead)
            raise end
        stored = run.stored()
        if stored is not None:
            return stored
        run.log_try()
        return run.execute()
