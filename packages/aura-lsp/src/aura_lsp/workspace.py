"""Which modules make up the program of a document, with open documents over files.

The command-line loader (:func:`aura_parse.load_program`) reads every module
from disk.  An editor's program is different: open documents hold newer text
than their files, a document may exist only in the editor, and the same
modules are loaded again after every keystroke.  This loader follows the same
rules (``docs/reference/modules.md``: ``std``, the package's own modules, its
direct dependencies), takes the text of open documents first, and keeps each
module's parse: an open document is parsed again with its previous parse
(unchanged declarations are reused), a file only when its size or modification
time changed.

A document's program is its package when it lies below a package's ``src/``
(every module there, so that references across modules are found), otherwise
the document alone with what it imports.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pygls import uris

from aura_core import ast
from aura_core.cli_support import collect_sources, read_source
from aura_core.diagnostics import Diagnostic
from aura_core.modules import STD, ModulePath, ParsedModule, module_name
from aura_core.source import SourceFile
from aura_core.stdlib import std_root
from aura_lsp.documents import Document
from aura_parse import ParseResult, parse_module
from aura_parse.import_cycles import find_cycles
from aura_parse.loader import module_file
from aura_parse.project import Package, Project, find_package_dir, import_name, load_project

__all__ = ["LoadedProgram", "ModuleLoader", "ProgramRoot", "root_of", "uri_of_path"]

CODE_MODULE_NOT_FOUND = "E0103"
CODE_IMPORT_CYCLE = "E0104"
CODE_NOT_A_DEPENDENCY = "E0105"
_ROOT_MODULE = "lib"


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


@dataclass(frozen=True)
class _Pending:
    path: ModulePath
    uri: str
    file: Path | None
    package: Package


class ModuleLoader:
    """Loads programs, keeping every module's last parse for the next load."""

    def __init__(self, std: Path | None = None) -> None:
        self.std = std if std is not None else std_root()
        self._doc_parses: dict[str, tuple[int, ParseResult]] = {}
        self._file_parses: dict[Path, tuple[tuple[int, int], ParseResult]] = {}

    def forget(self, uri: str) -> None:
        """Drop a closed document's parse."""
        self._doc_parses.pop(uri, None)

    # ------------------------------------------------------------------ loading

    def load(self, root: ProgramRoot, docs: Mapping[str, Document]) -> LoadedProgram:
        state = _Load(self, docs)
        if root.package_dir is not None:
            project = load_project(root.package_dir)
            state.project = project
            state.diagnostics.extend(project.diagnostics)
            src = project.package.root
            assert src is not None
            files = collect_sources([src]) if src.is_dir() else []
            on_disk = {os.path.abspath(f) for f in files}
            for doc in docs.values():
                doc_file = path_of_uri(doc.uri)
                if (
                    doc_file is not None
                    and doc_file.suffix == ".aura"
                    and doc_file.is_relative_to(src)
                    and os.path.abspath(doc_file) not in on_disk
                ):
                    files.append(doc_file)
            for f in files:
                parts = Path(os.path.relpath(f, src)).with_suffix("").parts
                module_path = (
                    (project.package.import_name,)
                    if parts == (_ROOT_MODULE,)
                    else (project.package.import_name, *parts)
                )
                state.enqueue(_Pending(module_path, state.uri_of(f), f, project.package))
        else:
            file = path_of_uri(root.uri)
            stem = file.stem if file is not None else Path(re.split(r"[/:]", root.uri)[-1]).stem
            name = import_name(stem) or "main"
            state.enqueue(_Pending((name,), root.uri, file, Package(name, None)))
        state.run()
        modules = tuple(state.modules.values())
        for cycle in find_cycles([m.path for m in modules], state.imports):
            state.report_cycle(cycle)
        return LoadedProgram(
            modules,
            dict(state.parses),
            dict(state.uris),
            tuple(state.diagnostics),
            dict(state.versions),
        )

    def parse(
        self, uri: str, file: Path | None, docs: Mapping[str, Document]
    ) -> tuple[ParseResult, int | None] | Diagnostic:
        """The parse of a module (open document first), and the document's version."""
        doc = docs.get(uri)
        if doc is not None:
            cached = self._doc_parses.get(uri)
            if cached is not None and cached[0] == doc.version:
                return cached[1], doc.version
            name = str(file) if file is not None else uri
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


class _Load:
    """The state of one :meth:`ModuleLoader.load`."""

    def __init__(self, loader: ModuleLoader, docs: Mapping[str, Document]) -> None:
        self.loader = loader
        self.docs = docs
        self.project: Project | None = None
        self.modules: dict[ModulePath, ParsedModule] = {}
        self.parses: dict[ModulePath, ParseResult] = {}
        self.uris: dict[ModulePath, str] = {}
        self.versions: dict[str, int] = {}
        self.imports: dict[ModulePath, list[ModulePath]] = {}
        self.import_spans: dict[tuple[ModulePath, ModulePath], ast.Import] = {}
        self.diagnostics: list[Diagnostic] = []
        self.queue: deque[_Pending] = deque()
        self.seen: set[ModulePath] = set()
        # Editors spell file URIs in more than one way (percent-encoding, drive
        # letters): an open document is found by its path, and keeps its URI.
        self.open_files: dict[str, str] = {}
        for uri in docs:
            path = path_of_uri(uri)
            if path is not None:
                self.open_files[os.path.abspath(path)] = uri

    def uri_of(self, file: Path) -> str:
        """The URI of an open document for ``file``, else the file's own URI."""
        return self.open_files.get(os.path.abspath(file)) or uri_of_path(file)

    def enqueue(self, pending: _Pending) -> None:
        if pending.path not in self.seen:
            self.seen.add(pending.path)
            self.queue.append(pending)

    def run(self) -> None:
        while self.queue:
            self.load(self.queue.popleft())

    def load(self, pending: _Pending) -> None:
        parsed = self.loader.parse(pending.uri, pending.file, self.docs)
        if isinstance(parsed, Diagnostic):
            self.diagnostics.append(parsed)
            return
        result, version = parsed
        if version is not None:
            self.versions[pending.uri] = version
        package = pending.package
        deps = frozenset({STD, *(d.import_name for d in package.dependencies)})
        module = ParsedModule(pending.path, package.import_name, result.source, result.module, deps)
        self.modules[module.path] = module
        self.parses[module.path] = result
        self.uris[module.path] = pending.uri
        self.diagnostics.extend(result.diagnostics)
        targets: list[ModulePath] = []
        for decl in result.module.decls:
            if isinstance(decl, ast.Import):
                found = self.resolve(module, package, decl)
                if found is not None:
                    self.enqueue(found)
                    if found.path not in targets:
                        targets.append(found.path)
                        self.import_spans[(module.path, found.path)] = decl
        self.imports[module.path] = targets

    def resolve(self, module: ParsedModule, package: Package, decl: ast.Import) -> _Pending | None:
        head, rest = decl.path[0], decl.path[1:]
        if head == STD:
            target = Package(STD, self.loader.std)
        elif head == package.import_name and package.root is not None:
            target = package
        elif head == package.import_name and decl.path == module.path:
            return None
        else:
            dependency = package.dependency(head)
            if dependency is None:
                self.error(
                    module,
                    decl,
                    CODE_NOT_A_DEPENDENCY,
                    f"cannot import `{module_name(decl.path)}`: `{head}` is not a direct "
                    f"dependency of `{package.import_name}`",
                )
                return None
            target = (
                self.project.package_of(dependency)
                if self.project is not None
                else Package(head, dependency.root)
            )
        assert target.root is not None
        file = module_file(target.root, rest)
        uri = self.uri_of(file)
        if uri not in self.docs and (rest == (_ROOT_MODULE,) or not file.is_file()):
            self.error(
                module, decl, CODE_MODULE_NOT_FOUND, f"module `{module_name(decl.path)}` not found"
            )
            return None
        return _Pending(decl.path, uri, file, target)

    def error(self, module: ParsedModule, decl: ast.Import, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic.error(code, message, module.source, decl.span))

    def report_cycle(self, cycle: list[ModulePath]) -> None:
        shown = " -> ".join(module_name(p) for p in [*cycle, cycle[0]])
        for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            decl = self.import_spans[(a, b)]
            self.diagnostics.append(
                Diagnostic.error(
                    CODE_IMPORT_CYCLE,
                    f"import cycle: {shown}",
                    self.modules[a].source,
                    decl.span,
                    help="move what the modules share into a module that imports neither",
                )
            )
