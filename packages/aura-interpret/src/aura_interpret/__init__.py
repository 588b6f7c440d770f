"""The Aura interpreter: runtime, standard-library externs and the execution
engine behind ``aura run`` and ``aura test`` (spec section 7).

It consumes the typed program that aura-core's checker produces; nothing is
exported yet.
"""

__all__: list[str] = []
