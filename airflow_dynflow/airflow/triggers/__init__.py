"""Deferral triggers, one module per kind.

They must live in the installed package: the triggerer imports a trigger by its classpath and
cannot import DAG files.
"""
