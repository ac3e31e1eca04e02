"""What a Celery worker needs to run dynamic workflows fast: ``config.CELERY_CONFIG``, which Airflow
takes through ``[celery] celery_config_options``, and the preload that configuration names."""
