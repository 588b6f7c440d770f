"""The web UI's built files at ``/``, with the single-page application's fallback.

A path that names a file in the UI directory is that file; any other path
outside ``/api/`` is ``index.html``, so the UI's own router handles it (a
reload of ``/packages/json`` works).  Paths are resolved and must stay inside
the directory: ``..`` and links out of it fall back like any unknown path.
Under ``/api/`` an unknown path is the API's JSON 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse

from aura_pkg.server.errors import ApiError

__all__ = ["default_ui_dir", "mount_ui"]


def default_ui_dir() -> Path | None:
    """``website/dist`` of a development checkout, when it has been built."""
    here = Path(__file__).resolve()
    if len(here.parents) < 6:
        return None
    checkout = here.parents[5]
    dist = checkout / "website" / "dist"
    if (checkout / "packages" / "aura-pkg").is_dir() and (dist / "index.html").is_file():
        return dist
    return None


def _file_in(root: Path, relative: str) -> Path | None:
    if "\0" in relative:
        return None
    try:
        candidate = (root / relative.lstrip("/")).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if candidate != root and root not in candidate.parents:
        return None
    return candidate if candidate.is_file() else None


def mount_ui(app: FastAPI, ui_dir: Path | None) -> None:
    """Serve ``ui_dir`` at ``/`` (nothing but JSON 404s when it is None)."""
    root = ui_dir.resolve() if ui_dir is not None else None

    @app.get("/{path:path}", include_in_schema=False)
    def ui(request: Request, path: str) -> Response:
        if path == "api" or path.startswith("api/") or root is None:
            raise ApiError(404, "not_found", f"no such path: {request.url.path}")
        found = _file_in(root, path)
        if found is not None:
            return FileResponse(found)
        index = root / "index.html"
        if not index.is_file():
            raise ApiError(404, "not_found", f"no such path: {request.url.path}")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
