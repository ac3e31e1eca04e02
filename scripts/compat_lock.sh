#!/usr/bin/env bash
# Writes requirements/airflow-<minor>.lock: this project with every extra, resolved against the latest
# patch of that Airflow minor as its users got it then. Airflow's constraint files are not reachable
# here, so uv's --exclude-newer stands in for them: nothing published after a date a few weeks past
# the release (and before the next minor) is considered.
#   bash scripts/compat_lock.sh 3.1     (needs .venv with the dev extra, for uv)
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:?usage: compat_lock.sh 3.1|3.2}" in
  # 3.1.8 was published on 2026-03-11, 3.2.0 on 2026-04-07.
  3.1) airflow=3.1.8 newest=2026-04-01 ;;
  # 3.2.2 was published on 2026-05-29, 3.3.0 on 2026-07-06.
  3.2) airflow=3.2.2 newest=2026-06-19 ;;
  *) echo "no compat lock for Airflow $1 (3.3 is requirements.lock)" >&2; exit 2 ;;
esac

pin=$(mktemp)
trap 'rm -f "$pin"' EXIT
echo "apache-airflow==$airflow" > "$pin"
out="requirements/airflow-$1.lock"
{
  echo "# Airflow $airflow with every extra of airflow-dynflow, as resolved on $newest (scripts/compat_lock.sh $1)."
  .venv/bin/uv pip compile pyproject.toml --all-extras --python-version 3.11.7 -c "$pin" \
    --exclude-newer "$newest" --no-annotate --no-header --quiet
} > "$out"
echo "wrote $out"
