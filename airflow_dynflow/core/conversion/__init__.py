"""Types and values: a converter per type, a signature's interface, files, output hashes and the
cache of encoded outputs. Built on ``core.context`` (a file's working folder); the entities and the
wire formats build on it.
"""
