"""The test session's Airflow environment, set before anything imports airflow.

Airflow reads its configuration once, at import. Every test that runs Airflow in this process
shares one throw-away AIRFLOW_HOME with a SQLite DB, and one DAGs folder holding the repository's
example DAGs, the Flyte programs of ``examples`` and the test-only DAGs in ``tests/airflow/dags``
(``dag.test()`` only runs DAGs that live in the configured DAGs folder). Stacks started by
``harness/stack.py`` build their own environment and ignore this one.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="dynflow-tests-"))
DAGS_FOLDER = AIRFLOW_HOME / "dags"

DAGS_FOLDER.mkdir()
for source in (REPO / "dags", REPO / "examples", REPO / "tests" / "airflow" / "dags"):
    for path in source.glob("*.py"):
        shutil.copy(path, DAGS_FOLDER / path.name)

os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__MIGHT_CONTAIN_DAG_CALLABLE": "airflow_dynflow.airflow.discovery.might_contain_dag",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME}/airflow.db",
        "AIRFLOW__DYNFLOW__STORE_URL": f"file://{AIRFLOW_HOME}/store",
        "AIRFLOW__DYNFLOW__SIGNING_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }
)
for name in [n for n in os.environ if n.startswith("AIRFLOW__") and n.endswith("_CMD")]:
    del os.environ[name]

atexit.register(shutil.rmtree, AIRFLOW_HOME, ignore_errors=True)
# Every Airflow component that parses DAG files (dag processor, task runner, CLI, ``dag.test()``) does
# it through ``BundleDagBag``, which puts the bundle's folder on ``sys.path``, so a DAG file can
# import its neighbours (examples/reference.py refers to examples/shared_tasks.py). The tests'
# session-wide ``DagBag`` is a plain one: the folder is put there for it the same way.
sys.path.append(str(DAGS_FOLDER))
