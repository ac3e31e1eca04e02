"""Support code for driving real Airflow from tests, benchmarks and scripts alike.

The end-to-end tests (``tests/airflow``), the benchmarks (``bench``) and the demo's scripts all start
Airflow, wait for it, read what a run left behind and look at the processes it started. Written once per
caller, that code drifted into copies (``/proc`` readers, deadline loops, XCom readers) that each got a
detail slightly different. This package holds the one copy, one concept per module:

* ``harness.stack``: ``AirflowStack``, a real scheduler, triggerer, dag-processor and api-server on
  127.0.0.1 against a throw-away ``AIRFLOW_HOME``, stopped by process group;
* ``harness.rest``: ``AirflowClient``, the REST client a stack hands out as ``stack.api`` (token,
  pagination, trigger, wait for a DAG or a run, task instances, XCom, task logs);
* ``harness.polling``: ``poll_until``, the one wait-until-deadline loop, whose timeout names what was
  awaited and the last value seen;
* ``harness.processes``: process groups, listening sockets and CPU seconds of a stack's processes,
  read with psutil;
* ``harness.xcom``: ``read_xcom``, the value a finished run left in the metadata DB.
* ``harness.services``: PostgreSQL, Redis and an S3-compatible server as native processes on
  127.0.0.1, each stopped by process group;
* ``harness.distributed``: ``DistributedStack``, the stack of a multi-host deployment on one machine
  (PostgreSQL, CeleryExecutor with two workers, the blob store on S3) built from those services.

It is not part of the product: ``pyproject.toml`` ships only ``airflow_dynflow*``. Callers import it from
the repository root, which is on ``sys.path`` for pytest (``tests`` is a package), ``python -m bench`` and
``python -m scripts.show_run``. Nothing here imports Airflow at import time: Airflow reads its
configuration once, when first imported, and a benchmark or test process must choose when that happens.
"""
