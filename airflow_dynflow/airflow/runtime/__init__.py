"""What runs inside a task instance, shared by the operators.

``inputs`` turns a node's bindings into values (constants, params, upstream envelopes);
``calls`` runs one entity with the blob-store cache; ``expansion`` maps generated nodes to mapped
task instances; ``waiting`` tells whether a generated node's dependencies are done; ``labels``
names mapped instances in the UI.
"""
