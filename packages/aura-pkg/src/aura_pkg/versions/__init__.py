"""Versions, requirements and sets of versions (spec/packages.md, "Version requirements").

Three types:

* :class:`Version` — a Semantic Versioning 2.0.0 version, parsed by the ``semver``
  package and ordered by SemVer precedence.  Build metadata is kept for display
  but, as SemVer says, ignored by precedence; here it is also ignored by ``==``
  and ``hash`` so that the order is a total order consistent with equality.
* :class:`Requirement` — what a manifest writes after a dependency's name, with
  Cargo's meaning: ``^1.2`` (and bare ``1.2``), ``~1.2.3``, wildcards, the
  comparison operators, and commas for AND.
* :class:`VersionSet` — any set of versions a requirement, or the resolver's
  algebra on requirements, can describe: closed under union, intersection and
  complement, with exact emptiness, subset and equality tests.

**The pre-release rule.**  A pre-release version matches a requirement only if
some comparator of the requirement names a pre-release of the same
major.minor.patch (so ``^1.2.3-beta`` admits ``1.2.3-rc.1`` but not
``1.3.0-alpha``).  Such a rule cuts a requirement's interval into infinitely many
pieces (the pre-releases of every other major.minor.patch fall out), so a
:class:`VersionSet` is not a list of intervals over one order.  It is two lists:
intervals of *releases* and intervals of *pre-releases*, each over the SemVer
order restricted to its kind.  A requirement's release part is its comparators'
interval; its pre-release part is that interval cut down to the pre-releases of
the named major.minor.patch triples.  Union, intersection and complement act on
the two parts independently, so the algebra agrees with
:meth:`Requirement.allows` by construction (the tests check it on random input).

Within each part bounds are *canonical*: every interval is half-open,
``[lower, upper)``, and both ends are versions of the part's own kind (a release
bound for releases, a pre-release bound for pre-releases; ``<=1.2.3`` is stored
as ``<1.2.4`` among releases).  With that, two sets are equal exactly when their
intervals are, and a set is empty exactly when it has no intervals; the resolver
relies on both.

Bounds are stored as precedence keys (tuples), not as :class:`Version` objects,
so that every comparison in the algebra is a C-level tuple comparison: the
resolver performs a great many of them.
"""

from aura_pkg.versions.requirements import Comparator, Op, Requirement
from aura_pkg.versions.sets import VersionSet
from aura_pkg.versions.version import RequirementError, Version, VersionError

__all__ = [
    "Comparator",
    "Op",
    "Requirement",
    "RequirementError",
    "Version",
    "VersionError",
    "VersionSet",
]
