"""What a user's code builds: the decorators and the entities they make, promises and tracing,
conditionals, gates, map tasks, launch plans, references, and the local runner a plain call uses.
Built on ``core.conversion`` and ``core.spec``; only ``core.wire`` builds on it.
"""
