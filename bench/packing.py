"""Packing (issue #12) on a real scheduler: the seed on 2 x ``SEED_CHARS`` characters (2,001 nodes) one
node per instance, with ``nodes_per_instance=PACK``, and native ``.expand()`` over as many trivial
tasks, on the embedded stack with ``[core] max_map_length = 2048``. The cases are the scheduler
suite's (``bench.scheduler``, where they are described); they run apart from it because the two
2,001-instance runs take about 20 minutes on 2 cores.
"""

from __future__ import annotations

from bench import scheduler


def run() -> list[tuple[str, str, str]]:
    return scheduler.run(list(scheduler.PACKING_KEYS), suite="packing")
