"""The scheduler suite on the distributed stack: PostgreSQL, Redis, CeleryExecutor with two workers,
the blob store on a local S3 server (``harness.distributed``), the column issue #11 asks for beside
the embedded SQLite + LocalExecutor one. The chains, the seed and the 1,000-wide cases, not the
10,000-node one (about 10 minutes on 2 cores). ``python -m bench.scheduler --distributed [case ...]``
runs any subset.
"""

from __future__ import annotations

from bench import scheduler

KEYS = ["static", "dyn_chain", "seed", "plain_fan", "dyn_fan"]


def run() -> list[tuple[str, str, str]]:
    return scheduler.run(KEYS, distributed=True)
