#!/usr/bin/env bash
# The main job on the embedded default (SQLite, LocalExecutor): the seed example through
# `airflow dags test`, then its result and generated task instances read back from the metadata DB.
set -euo pipefail
cd "$(dirname "$0")/.."

export AIRFLOW_HOME="$PWD/airflow_home"
export AIRFLOW__CORE__DAGS_FOLDER="$PWD/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__CORE__MIGHT_CONTAIN_DAG_CALLABLE=airflow_dynflow.airflow.discovery.might_contain_dag
export AIRFLOW__LOGGING__LOGGING_LEVEL=WARNING
# The key that signs plans and payloads (docs/security.md); a deployment sets its own secret.
export AIRFLOW__DYNFLOW__SIGNING_KEY="${AIRFLOW__DYNFLOW__SIGNING_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}"
mkdir -p "$AIRFLOW_HOME"

echo "plain Python:  wf(s1='Pear', s2='Earth') = $(.venv/bin/python dags/count_characters.py)"
.venv/bin/airflow db migrate > "$AIRFLOW_HOME/demo-migrate.log" 2>&1
echo "airflow dags test wf -c '{\"s1\": \"Pear\", \"s2\": \"Earth\"}'  (log: airflow_home/demo.log)"
.venv/bin/airflow dags test wf -c '{"s1": "Pear", "s2": "Earth"}' > "$AIRFLOW_HOME/demo.log" 2>&1
.venv/bin/python -m scripts.show_run wf
