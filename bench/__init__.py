"""Benchmarks: ``make bench`` (or ``.venv/bin/python -m bench``); figures go to docs/benchmarks.md."""
