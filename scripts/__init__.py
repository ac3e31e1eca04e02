"""Scripts run from the repository root as modules (``.venv/bin/python -m scripts.show_run wf``), so they
import ``harness`` and ``airflow_dynflow`` the way tests and benchmarks do, without touching ``sys.path``."""
