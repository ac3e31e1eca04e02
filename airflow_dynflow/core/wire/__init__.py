"""A spec's JSON: its shapes, writing it, reading and checking it back into entities, and the
signed slice one generated instance reads. The top layer of the core: it knows every entity kind,
and nothing below imports it.
"""
