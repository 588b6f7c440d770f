"""The Aura package manager (``aura pkg``) and registry server
(``aura registry``), following spec/packages.md.

Nothing is exported yet.
"""

__all__: list[str] = []
