"""Verification of Aura programs: verification conditions, Z3 proofs,
counterexamples and the proof cache behind ``aura verify`` (spec section 8).

It consumes the typed program that aura-core's checker produces; nothing is
exported yet.
"""

__all__: list[str] = []
