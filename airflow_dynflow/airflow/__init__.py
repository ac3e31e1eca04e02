"""Everything that imports Airflow: the DAG builder, operators, triggers, the blob store, the provider."""
