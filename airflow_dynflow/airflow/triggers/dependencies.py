"""The trigger a generated node defers to while its dependencies run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_dynflow.airflow.runtime.waiting import dependency_status
from airflow_dynflow.airflow.triggers.shared_states import watching

__all__ = ["DependenciesTrigger"]


class DependenciesTrigger(BaseTrigger):
    """Fires once sibling map indexes are all done, or as soon as one of them can never succeed.

    Waiting here holds no worker slot, which is what keeps a long chain of generated nodes from
    deadlocking the executor. The states come from a poller shared by every trigger of this
    triggerer that waits on the same task in the same run (``triggers.shared_states``).
    """

    def __init__(
        self,
        *,
        dag_id: str,
        run_id: str,
        task_id: str,
        map_indexes: list[int],
        poll_interval: float,
        skippable: list[int] | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # BaseTrigger.__init__ has no annotations
        self.skippable = list(skippable or ())
        self.dag_id = dag_id
        self.run_id = run_id
        # Not ``task_id``: BaseTrigger's own attribute of that name is the deferring task's (or None).
        self.nodes_task_id = task_id
        self.map_indexes = list(map_indexes)
        self.poll_interval = poll_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "dag_id": self.dag_id,
                "run_id": self.run_id,
                "task_id": self.nodes_task_id,
                "map_indexes": self.map_indexes,
                "poll_interval": self.poll_interval,
                "skippable": self.skippable,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        async with watching(self.dag_id, self.run_id, self.nodes_task_id, self.poll_interval) as watch:
            while True:
                states = await watch.next()
                status = dependency_status(
                    self.dag_id, self.run_id, self.nodes_task_id, self.map_indexes, self.skippable, states
                )
                if status.ready or status.dead is not None:
                    yield TriggerEvent({"ready": status.ready, "dead": status.dead, "state": status.state})
                    return
