"""The read side: index documents, search, package pages and dependency graphs.

Index entries are built with the client's :class:`~aura_pkg.registry.index.VersionEntry`,
so the registry serves exactly the format the client parses.  Versions are
ordered by SemVer precedence in Python (text order in SQL would put 10.0.0
before 9.0.0).  Search ranks as a file registry does: the exact name, then
names starting with the text, names containing it, then descriptions and
keywords containing it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, case, func, select, update
from sqlalchemy.orm import Session

from aura_pkg.manifest import check_package_name
from aura_pkg.registry.index import PackageIndex, Verification, VersionEntry
from aura_pkg.resolver import Budget, BudgetExceeded, ResolutionError, resolve
from aura_pkg.server.documents import RevisionCache
from aura_pkg.server.errors import ApiError
from aura_pkg.server.models import LogHead, Owner, Package, PackageVersion, User
from aura_pkg.server.translog import HEAD_ID
from aura_pkg.versions import Requirement, Version, VersionError

__all__ = [
    "Ranking",
    "bump_revision",
    "dependency_graph",
    "find_version",
    "graph_revision",
    "index_document",
    "package_info",
    "package_revision",
    "ranking_size",
    "search",
    "search_text",
    "version_info",
]


def _version(row: PackageVersion) -> Version:
    return Version.parse(row.version)


def _verification(text: str | None) -> Verification | None:
    if text is None:
        return None
    doc = json.loads(text)
    return Verification(dict(doc["cells"]), doc.get("verifier"), doc.get("solver"))


def version_entry(row: PackageVersion) -> VersionEntry:
    return VersionEntry(
        _version(row),
        json.loads(row.dependencies),
        row.checksum,
        row.signature,
        row.key_id,
        row.log_index,
        row.published_at,
        row.yanked,
        row.removed,
        _verification(row.verification),
    )


def find_package(session: Session, name: str) -> Package | None:
    """The package called ``name``; a name that breaks the rules is never looked up."""
    if check_package_name(name) is not None:
        return None
    return session.execute(select(Package).where(Package.name == name)).scalar_one_or_none()


def package_revision(connection: Connection | Session, name: str) -> int | None:
    """The revision of package ``name`` (see :class:`Package`), or None when there is none."""
    if check_package_name(name) is not None:
        return None
    found = connection.execute(select(Package.revision).where(Package.name == name)).first()
    return None if found is None else int(found[0])


def bump_revision(session: Session, package_id: int) -> None:
    """Mark a change to what package ``package_id``'s documents show (in the write's transaction).

    An increment in SQL, so that concurrent writers (several processes on one
    PostgreSQL database) never both write the same new revision.
    """
    session.execute(
        update(Package).where(Package.id == package_id).values(revision=Package.revision + 1)
    )


def search_text(name: str, description: str, keywords: Sequence[str]) -> str:
    """What search matches against: the name, description and keywords, lowercased."""
    return "\n".join([name, description, " ".join(keywords)]).lower()


def _versions(session: Session, package: Package) -> list[PackageVersion]:
    """Every version of ``package``, newest first."""
    rows = session.execute(
        select(PackageVersion).where(PackageVersion.package_id == package.id)
    ).scalars()
    return sorted(rows, key=_version, reverse=True)


def _installable(rows: Sequence[PackageVersion]) -> list[PackageVersion]:
    return [r for r in rows if not r.yanked and r.removed is None]


def find_version(session: Session, name: str, version: str) -> tuple[Package, PackageVersion]:
    """The package and version row, or 404."""
    package = find_package(session, name)
    if package is None:
        raise ApiError(404, "not_found", f"no package named {name!r}")
    try:
        wanted = Version.parse(version)
    except VersionError:
        raise ApiError(404, "not_found", f"{name} has no version {version!r}") from None
    for row in _versions(session, package):
        if _version(row) == wanted:
            return package, row
    raise ApiError(404, "not_found", f"{name} has no version {version!r}")


def index_document(session: Session, name: str) -> dict[str, Any] | None:
    """``GET /api/v1/index/{name}``, or None for an unknown package."""
    package = find_package(session, name)
    if package is None:
        return None
    entries = tuple(version_entry(r) for r in _versions(session, package))
    return PackageIndex(name, entries).to_json()


def _owners(session: Session, package: Package) -> list[str]:
    names = session.execute(
        select(User.name)
        .join(Owner, Owner.user_id == User.id)
        .where(Owner.package_id == package.id)
    ).scalars()
    return sorted(names)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class Ranking:
    """One page of a search: its packages' ids in order, and how many packages match."""

    ids: tuple[int, ...]
    total: int


def _rank(session: Session, needle: str, page: int, per_page: int) -> Ranking:
    if needle:
        contains = _like(needle)
        starts = contains[1:]
        rank = case(
            (Package.name == needle, 0),
            (Package.name.like(starts, escape="\\"), 1),
            (Package.name.like(contains, escape="\\"), 2),
            else_=3,
        )
        where = Package.search_text.like(contains, escape="\\")
    else:
        rank = case((Package.id.is_not(None), 0), else_=0)
        where = Package.id.is_not(None)
    offset = (page - 1) * per_page
    ids = session.execute(
        select(Package.id).where(where).order_by(rank, Package.name).offset(offset).limit(per_page)
    ).scalars()
    found = tuple(ids)
    if len(found) < per_page and (found or page == 1):
        return Ranking(found, offset + len(found))  # the last page: no second scan to count
    total = session.execute(select(func.count()).select_from(Package).where(where)).scalar_one()
    return Ranking(found, total)


def ranking_size(ranking: Ranking) -> int:
    """Roughly the bytes a ranking takes in memory, for the cache's bound."""
    return 100 + 40 * len(ranking.ids)


def search(
    session: Session,
    text: str,
    page: int,
    per_page: int,
    rankings: RevisionCache[Ranking] | None = None,
) -> dict[str, Any]:
    """``GET /api/v1/packages?q=&page=``: a page of matches and their total.

    Which packages match, and in which order, changes only with a publication
    (the only write that adds a package or changes its name, description or
    keywords), and every publication grows the transparency log.  So
    ``rankings`` keeps rankings under the log's size; the page's packages are
    read afresh every time (download counts and yanks change in between).
    """
    needle = text.strip().lower()
    if "\0" in needle:  # no stored text holds NUL (PostgreSQL cannot even compare with it)
        return {"packages": [], "page": page, "total": 0}
    if rankings is None:
        ranking = _rank(session, needle, page, per_page)
    else:
        size = session.execute(select(LogHead.size).where(LogHead.id == HEAD_ID)).scalar_one()
        key = f"{page}/{per_page}/{needle}"
        cached = rankings.get(key, size)
        if cached is None:
            cached = rankings.put(key, size, _rank(session, needle, page, per_page))
        ranking = cached
    shown = session.execute(
        select(Package.id, Package.name, Package.description, Package.downloads).where(
            Package.id.in_(ranking.ids)
        )
    ).all()
    by_id = {row.id: row for row in shown}
    page_rows = [by_id[i] for i in ranking.ids if i in by_id]
    total = ranking.total
    installable: dict[int, list[str]] = {row.id: [] for row in page_rows}
    rows = session.execute(
        select(PackageVersion.package_id, PackageVersion.version).where(
            PackageVersion.package_id.in_(list(installable)),
            PackageVersion.yanked.is_(False),
            PackageVersion.removed.is_(None),
        )
    ).all()
    for package_id, text in rows:
        installable[package_id].append(text)
    hits = []
    for row in page_rows:
        texts = installable[row.id]
        # Stored versions are in their canonical text form: one needs no parsing.
        newest = texts[0] if len(texts) == 1 else str(max(map(Version.parse, texts), default=""))
        hits.append(
            {
                "description": row.description,
                "downloads": row.downloads,
                "name": row.name,
                "version": newest,
            }
        )
    return {"packages": hits, "page": page, "total": total}


def _version_summary(row: PackageVersion) -> dict[str, Any]:
    return {
        "checksum": row.checksum,
        "published_at": row.published_at,
        "removed": row.removed,
        "version": row.version,
        "yanked": row.yanked,
    }


def package_info(session: Session, name: str) -> dict[str, Any]:
    """``GET /api/v1/packages/{name}``: the package page; 404 when unknown."""
    package = find_package(session, name)
    if package is None:
        raise ApiError(404, "not_found", f"no package named {name!r}")
    rows = _versions(session, package)
    installable = _installable(rows)
    shown = installable[0] if installable else (rows[0] if rows else None)
    return {
        "description": package.description,
        "downloads": package.downloads,
        "name": package.name,
        "newest": installable[0].version if installable else None,
        "owners": _owners(session, package),
        "readme": shown.readme if shown is not None else None,
        "versions": [_version_summary(r) for r in rows],
    }


def version_info(session: Session, name: str, version: str) -> dict[str, Any]:
    """``GET /api/v1/packages/{name}/{version}``: one version's page; 404 when unknown."""
    package, row = find_version(session, name, version)
    installable = _installable(_versions(session, package))
    verification = _verification(row.verification)
    return {
        **_version_summary(row),
        "dependencies": json.loads(row.dependencies),
        "description": row.description,
        "downloads": row.downloads,
        "key_id": row.key_id,
        "log_index": row.log_index,
        "name": package.name,
        "newest": installable[0].version if installable else None,
        "owners": _owners(session, package),
        "readme": row.readme,
        "verification": verification.to_json() if verification is not None else None,
    }


@dataclass
class _DatabaseSource:
    """The resolver's package source over this registry's own versions."""

    session: Session
    _rows: dict[str, list[PackageVersion]] = field(default_factory=dict)

    def rows(self, name: str) -> list[PackageVersion]:
        if name not in self._rows:
            package = find_package(self.session, name)
            self._rows[name] = _versions(self.session, package) if package is not None else []
        return self._rows[name]

    def versions(self, name: str) -> Sequence[Version]:
        return [_version(r) for r in _installable(self.rows(name))]

    def requirement_texts(self, name: str, version: Version) -> dict[str, str]:
        """The requirements of a version as the index lists them (the signed text)."""
        for row in self.rows(name):
            if _version(row) == version and row.removed is None:
                texts: dict[str, str] = json.loads(row.dependencies)
                return texts
        raise LookupError(f"{name} {version}")

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement]:
        return {n: Requirement.parse(r) for n, r in self.requirement_texts(name, version).items()}


def graph_revision(session: Session) -> int:
    """A number that changes with every write that can change any dependency graph.

    A graph reaches into any package, so it is valid for the whole registry's
    state: the log's size (which every publication grows) and the sum of the
    packages' revisions (which every yank, removal and owner change bumps).
    Both only grow, so the pair never repeats.
    """
    size = session.execute(select(LogHead.size).where(LogHead.id == HEAD_ID)).scalar_one()
    total = session.execute(select(func.coalesce(func.sum(Package.revision), 0))).scalar_one()
    return (int(size) << 64) | int(total)


def dependency_graph(
    session: Session,
    name: str,
    version: str,
    budget: Budget | None = None,
    max_nodes: int | None = None,
) -> dict[str, Any]:
    """``…/{name}/{version}/graph``: the version's resolved dependencies as nodes and edges.

    Resolved with the client's PubGrub resolver against this registry, newest
    installable versions first; 409 with the resolver's explanation when the
    dependencies cannot all be satisfied.  ``budget`` bounds the resolver's
    work and ``max_nodes`` the answer: past either, 422 ``graph_too_costly``
    (the graph is not computed for anyone, rather than costing every reader),
    or 503 when it is the budget's time that ran out.
    """
    package, row = find_version(session, name, version)
    root_version = _version(row)
    requirements: dict[str, str] = json.loads(row.dependencies)
    source = _DatabaseSource(session)
    try:
        resolution = resolve(
            source,
            package.name,
            root_version,
            {n: Requirement.parse(r) for n, r in requirements.items()},
            budget=budget,
        )
    except ResolutionError as exc:
        raise ApiError(409, "unresolvable", exc.report) from None
    except BudgetExceeded as exc:
        # Out of steps is the input's doing (422, the same everywhere); out of time is
        # the machine's load (503: it may succeed later).
        raise ApiError(
            422 if exc.steps else 503,
            "graph_too_costly",
            f"resolving the dependencies of {package.name} {row.version} took {exc}; "
            "the registry does not compute this graph",
        ) from None
    if max_nodes is not None and len(resolution) > max_nodes:
        raise ApiError(
            422,
            "graph_too_costly",
            f"the dependency graph of {package.name} {row.version} has {len(resolution)} "
            f"packages, more than the limit of {max_nodes}",
        )

    def node_id(node: str) -> str:
        return f"{node}@{resolution[node]}"

    nodes = [
        {"id": node_id(n), "name": n, "version": str(resolution[n])} for n in sorted(resolution)
    ]
    edges = []
    for source_name in sorted(resolution):
        texts = (
            requirements
            if source_name == package.name
            else source.requirement_texts(source_name, resolution[source_name])
        )
        for target in sorted(resolution.dependencies.get(source_name, {})):
            edges.append(
                {
                    "from": node_id(source_name),
                    "requirement": texts.get(target, ""),
                    "to": node_id(target),
                }
            )
    return {"edges": edges, "nodes": nodes, "root": node_id(package.name)}
