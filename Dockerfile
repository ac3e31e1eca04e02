# Airflow image with the airflow-dynflow provider baked in, used by every Airflow service in
# docker-compose.yaml.  Build it with `docker compose build` (or let `docker compose up` build it).
#
# The extras celery, postgres and s3 pin what the compose stack runs on (celery 5.6.3, asyncpg, the
# amazon provider and s3fs for the MinIO store) at the versions requirements.lock resolved and tested,
# overriding whatever the stock image ships.
FROM apache/airflow:3.3.2-python3.11

# The official image expects extra packages to be installed as the unprivileged `airflow` user: its
# PIP_USER=true puts them in ~/.local, which the entrypoint puts on the path for any UID it runs with.
# `airflow` is already the image's default user; saying so guards against a base image that changes it.
USER airflow

# pip builds a local project in its own tree (setuptools writes egg-info there), so the copy must be
# writable by `airflow`; group 0 follows the image's arbitrary-UID convention.
COPY --chown=airflow:0 pyproject.toml requirements.lock README.md /tmp/airflow-dynflow/
COPY --chown=airflow:0 airflow_dynflow/ /tmp/airflow-dynflow/airflow_dynflow/

# Naming apache-airflow==${AIRFLOW_VERSION} (set by the base image) is the official image's guard against
# a dependency resolution that would silently upgrade or downgrade Airflow itself; the lock file keeps
# our own dependencies (and the extras') at the versions the test suite ran against.
RUN pip install --no-cache-dir -c /tmp/airflow-dynflow/requirements.lock \
        "apache-airflow==${AIRFLOW_VERSION}" "airflow-dynflow[celery,postgres,s3] @ file:///tmp/airflow-dynflow" \
    && rm -rf /tmp/airflow-dynflow

# Named volumes copy the ownership of the image directory they are mounted over when they are first
# created; without this directory Docker would create the mount point owned by root and the
# `airflow` user could not write the simple auth manager's passwords file. (The blob store lives in
# MinIO; a `file://` store on a volume would need its own directory here.)
RUN mkdir -p /opt/airflow/auth
