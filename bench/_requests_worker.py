"""Subprocess half of the ``requests`` suite: one ``dag.test()`` run of a generated fan-out, counting
what its generated instances cost.

Usage (``bench.requests`` sets the environment, as ``bench.airflow`` does)::

    python bench/_requests_worker.py OUT_JSON DAG_ID N

Each execution-API message a task sends is counted by task, map index and type, through a
pass-through wrapper on the in-process supervisor's request handler (nothing is answered
differently). The CPU seconds spent inside ``GeneratedNodeOperator.execute`` and ``resume`` (our
code and the requests it makes, not Airflow's start and finish of the instance) are summed. It runs
by path, so that ``PYTHONPATH`` can point it at another checkout of the project (the "before").
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from typing import Any


def main(argv: list[str]) -> None:
    out, dag_id, n = argv[0], argv[1], int(argv[2])
    from airflow.sdk.execution_time.supervisor import ActivitySubprocess

    from airflow_dynflow.airflow.compat import dag_bag
    from airflow_dynflow.airflow.operators.generated_node import GeneratedNodeOperator

    messages: collections.Counter[tuple[str, int, str]] = collections.Counter()
    handle = ActivitySubprocess._handle_request

    def counting(self: Any, msg: Any, log: Any, req_id: int) -> Any:
        messages[(self.ti.task_id, self.ti.map_index, type(msg).__name__)] += 1
        return handle(self, msg, log, req_id)

    cpu = [0.0]

    def timed(method: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                cpu[0] += time.process_time() - start

        return wrapper

    ActivitySubprocess._handle_request = counting
    GeneratedNodeOperator.execute = timed(GeneratedNodeOperator.execute)
    GeneratedNodeOperator.resume = timed(GeneratedNodeOperator.resume)

    bag = dag_bag(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    dag = bag.get_dag(dag_id)
    if dag is None:
        raise SystemExit(f"no DAG {dag_id}: {bag.import_errors}")
    start, cpu_start = time.perf_counter(), time.process_time()
    dagrun = dag.test(run_conf={"n": n})
    seconds, run_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    by_instance: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for (task_id, map_index, kind), count in messages.items():
        if task_id.endswith(".nodes"):
            by_instance[str(map_index)][kind] = count
    with open(out, "w") as handle_out:
        json.dump(
            {
                "state": str(getattr(dagrun.state, "value", dagrun.state)),
                "seconds": seconds,
                "run_cpu": run_cpu,
                "node_cpu": cpu[0],
                "instances": by_instance,
            },
            handle_out,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
