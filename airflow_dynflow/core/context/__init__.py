"""What a running call sees: ``current_context()``, the secrets it requested, the decks it makes.

The lowest layer of the core above its vocabulary (options, errors, signing): the converters, the
entities and the wire formats all build on it, and it imports none of them.
"""
