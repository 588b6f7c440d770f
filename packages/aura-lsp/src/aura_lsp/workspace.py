"""Which modules make up the program of a document, with open documents over files.

An editor's program differs from the command line's only in where module text
comes from: open documents hold newer text than their files, a document may
exist only in the editor, and the same modules are loaded again after every
keystroke.  So the loading itself is the parser's (:func:`aura_parse.load_program`,
the rules of ``docs/reference/modules.md``, the same diagnostics), and this module
supplies its :class:`~aura_parse.SourceReader`: the text of open documents first,
and each module's parse kept for the next load — an open document is parsed
again with its previous parse (unchanged declarations are reused), a file only
when its size or modification time changed.

A document's program is its package when it lies below a package's ``src/``
(every module there, so that references across modules are found), otherwise
the document alone with what it imports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pygls import uris

from aura_core.cli_support import collect_sources, read_source
from aura_core.diagnostics import Diagnostic
from aura_core.modules import ModulePath, ParsedModule
from aura_core.source import SourceFile
from aura_core.stdlib import std_root
from aura_lsp.documents import Document
from aura_parse import ParseResult, load_program, parse_module
from aura_parse.project import find_package_dir

__all__ = ["LoadedProgram", "ModuleLoader", "ProgramRoot", "root_of", "uri_of_path"]


@dataclass(frozen=True)
class ProgramRoot:
    """What a program is loaded from: a package directory, or one document."""

    key: str
    package_dir: Path | None
    uri: str


def uri_of_path(path: Path) -> str:
    return uris.from_fs_path(str(path)) or path.as_uri()


def path_of_uri(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    fs = uris.to_fs_path(uri)
    return Path(fs) if fs else None


def root_of(uri: str) -> ProgramRoot:
    path = path_of_uri(uri)
    if path is not None:
        directory = find_package_dir(path)
        if directory is not None:
            return ProgramRoot(str(directory), directory, uri)
    return ProgramRoot(uri, None, uri)


@dataclass(frozen=True)
class LoadedProgram:
    """The modules of one program, where each came from, and what loading found."""

    modules: tuple[ParsedModule, ...]
    parses: Mapping[ModulePath, ParseResult]
    uris: Mapping[ModulePath, str]
    #: Parse diagnostics of every module and the loader's own (missing modules, cycles).
    diagnostics: tuple[Diagnostic, ...]
    #: The version of every open document the program was built from.
    versions: Mapping[str, int]


class ModuleLoader:
    """Loads programs, keeping every module's last parse for the next load."""

    def __init__(self, std: Path | None = None) -> None:
        self.std = std if std is not None else std_root()
        self._doc_parses: dict[str, tuple[int, ParseResult]] = {}
        self._file_parses: dict[Path, tuple[tuple[int, int], ParseResult]] = {}

    def forget(self, uri: str) -> None:
        """Drop a closed document's parse."""
        self._doc_parses.pop(uri, None)

    def load(self, root: ProgramRoot, docs: Mapping[str, Document]) -> LoadedProgram:
        reader = _EditorReader(self, docs)
        if root.package_dir is not None:
            entry = root.package_dir
        else:
            entry = path_of_uri(root.uri) or reader.virtual(root.uri)
        result = load_program(entry, std_root=self.std, reader=reader)
        return LoadedProgram(
            result.modules,
            result.parses,
            {path: reader.uri_of_name(p.source.name) for path, p in result.parses.items()},
            result.diagnostics,
            dict(reader.versions),
        )

    def parse(
        self, uri: str, name: str, file: Path | None, docs: Mapping[str, Document]
    ) -> tuple[ParseResult, int | None] | Diagnostic:
        """The parse of a module (open document first), and the document's version."""
        doc = docs.get(uri)
        if doc is not None:
            cached = self._doc_parses.get(uri)
            if cached is not None and cached[0] == doc.version:
                return cached[1], doc.version
            previous = cached[1] if cached is not None else None
            result = parse_module(SourceFile(name, doc.text), previous)
            self._doc_parses[uri] = (doc.version, result)
            return result, doc.version
        if file is None:
            return Diagnostic.error("E0019", f"cannot read `{uri}`: it is not open")
        try:
            info = file.stat()
        except OSError as e:
            return Diagnostic.error("E0019", f"cannot read `{file}`: {e.strerror}")
        stamp = (info.st_size, info.st_mtime_ns)
        seen = self._file_parses.get(file)
        if seen is not None and seen[0] == stamp:
            return seen[1], None
        source = read_source(file)
        if isinstance(source, Diagnostic):
            return source
        result = parse_module(source, seen[1] if seen is not None else None)
        self._file_parses[file] = (stamp, result)
        return result, None


#: Where a document that is no file (an editor's untitled buffer) is placed for the
#: loader: a name only, never looked up on disk.
_VIRTUAL = Path("/")


class _EditorReader:
    """The loader's view of one load: open documents over the files on disk."""

    def __init__(self, loader: ModuleLoader, docs: Mapping[str, Document]) -> None:
        self.loader = loader
        self.docs = docs
        self.versions: dict[str, int] = {}
        # Editors spell file URIs in more than one way (percent-encoding, drive
        # letters): an open document is found by its path, and keeps its URI.
        self.open_files: dict[str, str] = {}
        for uri in docs:
            path = path_of_uri(uri)
            if path is not None:
                self.open_files[os.path.abspath(path)] = uri
        self._virtual: dict[Path, str] = {}
        self._names: dict[str, str] = {}

    def virtual(self, uri: str) -> Path:
        """A file name for a document that is no file."""
        stem = Path(uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1]).stem or "main"
        path = _VIRTUAL / f"{stem}.aura"
        self._virtual[path] = uri
        return path

    def uri_of(self, file: Path) -> str:
        """The URI of an open document for ``file``, else the file's own URI."""
        virtual = self._virtual.get(file)
        if virtual is not None:
            return virtual
        return self.open_files.get(os.path.abspath(file)) or uri_of_path(file)

    def uri_of_name(self, name: str) -> str:
        """The URI of the module whose source is called ``name``."""
        return self._names[name]

    def is_module(self, file: Path) -> bool:
        return self.uri_of(file) in self.docs or file.is_file()

    def parse(self, file: Path) -> ParseResult | Diagnostic:
        uri = self.uri_of(file)
        virtual = file in self._virtual
        name = uri if virtual else str(file)
        parsed = self.loader.parse(uri, name, None if virtual else file, self.docs)
        if isinstance(parsed, Diagnostic):
            return parsed
        result, version = parsed
        if version is not None:
            self.versions[uri] = version
        self._names[result.source.name] = uri
        return result

    def modules_below(self, root: Path) -> list[Path]:
        files = collect_sources([root]) if root.is_dir() else []
        on_disk = {os.path.abspath(f) for f in files}
        for uri in self.docs:
            path = path_of_uri(uri)
            if (
                path is not None
                and path.suffix == ".aura"
                and os.path.abspath(path).startswith(os.path.abspath(root) + os.sep)
                and os.path.abspath(path) not in on_disk
            ):
                files.append(path)
        return files

    def package_dir(self, file: Path) -> Path | None:
        return None if file in self._virtual else find_package_dir(file)
