"""The reading routes: index documents, search, package and version pages, graphs, archives."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from aura_pkg.archive import archive_filename
from aura_pkg.resolver import Budget
from aura_pkg.server import queries
from aura_pkg.server.blobs import CorruptBlob
from aura_pkg.server.documents import GraphAnswer, serialise
from aura_pkg.server.errors import ApiError
from aura_pkg.server.models import Package, PackageVersion
from aura_pkg.server.schemas import GraphModel, IndexModel, PackageModel, SearchModel, VersionModel
from aura_pkg.server.web import ERRORS, document, send, service_of

__all__ = ["router"]

_LOG = logging.getLogger("aura_pkg.server")

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Name = Annotated[str, Path(max_length=128, description="A package name")]
VersionText = Annotated[str, Path(max_length=256, description="A version (SemVer)")]


@router.get(
    "/index/{name}",
    response_model=IndexModel,
    responses={304: {"description": "Not modified (If-None-Match)"}},
    summary="Every version of a package, for resolving and verifying",
)
def index(request: Request, name: Name) -> Response:
    """Served from the document cache when the package's revision says it is current.

    The common case (a cached document, often a revalidation answered 304)
    costs one indexed lookup of the revision; the document is built, and
    cached, only after a change.
    """
    service = service_of(request)
    with service.engine.connect() as connection:
        revision = queries.package_revision(connection, name)
    if revision is None:
        raise ApiError(404, "not_found", f"no package named {name!r}")
    cached = service.documents.get(name, revision)
    if cached is None:
        with service.sessions() as session:
            # The revision is read before the document, so a document is never cached
            # under a revision newer than what it shows: a write in between costs a
            # rebuild at the next request, never a stale answer.
            revision = queries.package_revision(session, name)
            doc = queries.index_document(session, name)
        if revision is None or doc is None:
            raise ApiError(404, "not_found", f"no package named {name!r}")
        cached = service.documents.put(name, revision, serialise(doc))
    return send(request, cached)


@router.get("/packages", response_model=SearchModel, summary="Search packages")
def search(
    request: Request,
    q: Annotated[
        str, Query(max_length=256, description="Text in the name, description or keywords")
    ] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    service = service_of(request)
    with service.sessions() as session:
        doc = queries.search(session, q, page, service.settings.page_size, service.rankings)
    return document(request, doc)


@router.get("/packages/{name}", response_model=PackageModel, summary="A package's page")
def package(request: Request, name: Name) -> Response:
    with service_of(request).sessions() as session:
        return document(request, queries.package_info(session, name))


@router.get("/packages/{name}/{version}", response_model=VersionModel, summary="One version's page")
def version(request: Request, name: Name, version: VersionText) -> Response:
    with service_of(request).sessions() as session:
        return document(request, queries.version_info(session, name, version))


@router.get(
    "/packages/{name}/{version}/graph",
    response_model=GraphModel,
    summary="The version's dependencies, resolved against this registry",
)
def graph(request: Request, name: Name, version: VersionText) -> Response:
    """Cached per registry state (:func:`queries.graph_revision`), refusals included.

    Resolving is the one read whose cost a client chooses, so it runs within a
    step budget (the same inputs are refused everywhere; the refusal is cached
    like an answer) and a time budget (a backstop on a slow machine, not
    cached), and its answer has a size cap.
    """
    service = service_of(request)
    settings = service.settings
    key = f"{name}/{version}"
    with service.sessions() as session:
        revision = queries.graph_revision(session)
        cached = service.graphs.get(key, revision)
        if cached is None:
            budget = Budget(settings.graph_steps, settings.graph_seconds)
            try:
                doc = queries.dependency_graph(
                    session, name, version, budget, settings.graph_max_nodes
                )
                cached = service.graphs.put(key, revision, GraphAnswer(serialise(doc)))
            except ApiError as exc:
                if exc.status in (404, 409, 422):  # not 503: out of time may pass
                    refused = GraphAnswer(None, exc.status, exc.code, exc.message)
                    service.graphs.put(key, revision, refused)
                raise
    if cached.document is None:
        raise ApiError(cached.status, cached.code, cached.message)
    return send(request, cached.document)


@router.get(
    "/packages/{name}/{version}/download",
    response_class=Response,
    responses={200: {"content": {"application/gzip": {}}, "description": "The archive"}},
    summary="The archive, byte for byte as published",
)
def download(request: Request, name: Name, version: VersionText) -> Response:
    service = service_of(request)
    with service.sessions() as session:
        package, row = queries.find_version(session, name, version)
        ids = (package.id, row.id)
    if row.removed is not None:
        raise ApiError(410, "removed", f"{name} {row.version} was removed: {row.removed}")
    try:
        data = service.blobs.get(row.checksum)
    except CorruptBlob:
        _LOG.error("the stored archive of %s %s does not match %s", name, row.version, row.checksum)
        raise ApiError(
            500,
            "corrupt_archive",
            f"the stored archive of {name} {row.version} does not match its checksum; "
            "the registry's operator must restore it (publishing the same bytes again does)",
        ) from None
    if data is None:
        raise ApiError(500, "missing_archive", f"the archive of {name} {row.version} is missing")
    _count_download(request, *ids)
    filename = archive_filename(name, row.version)
    return Response(
        data,
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _count_download(request: Request, package_id: int, version_id: int) -> None:
    """Count a download; counting is best effort and never fails the download."""
    service = service_of(request)
    try:
        with service.small_write(), service.sessions.begin() as s:
            s.execute(
                update(Package)
                .where(Package.id == package_id)
                .values(downloads=Package.downloads + 1)
            )
            s.execute(
                update(PackageVersion)
                .where(PackageVersion.id == version_id)
                .values(downloads=PackageVersion.downloads + 1)
            )
    except SQLAlchemyError:
        _LOG.warning("could not count a download of package %d", package_id)
