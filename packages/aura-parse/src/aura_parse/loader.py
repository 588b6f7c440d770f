"""The module loader: from an entry file or package to every module the program imports.

:func:`load_program` reads and parses the entry and follows its ``import``
declarations transitively (spec section 3.3), handing the type checker a
:class:`LoadResult` of :class:`~aura_core.modules.ParsedModule`\\ s.  It lives
here and not in aura-core because it parses; aura-core only consumes its output.

Where a module path leads (``docs/reference/modules.md`` has the full rules):

* ``std::a::b`` is ``a/b.aura`` below the standard library's root;
* ``PKG::a::b``, for the importing module's own package ``PKG``, is
  ``src/a/b.aura`` of that package, and ``PKG`` alone its ``src/lib.aura``;
* ``DEP::...``, for a direct dependency ``DEP`` of the importing module's package
  (from ``.aura/deps/index.toml``), is the same below that package's sources.

Where the text of a module comes from is a hook, :class:`SourceReader`: the
command line reads files (:data:`DISK`); the language server reads open
documents over files, reusing previous parses.  Both follow the same rules and
report the same diagnostics because both run this one traversal.

Every module is read and parsed once, however often it is imported.  Problems are
diagnostics, never exceptions: a module that cannot be found (E0103), an import
cycle (E0104), a package that is not a direct dependency (E0105), and whatever
reading and parsing report.  The order of ``modules`` is deterministic: the entry
first, then the other modules in the order they were discovered.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from aura_core import ast
from aura_core.cli_support import collect_sources, read_source
from aura_core.diagnostics import Diagnostic, Edit, Help, Label
from aura_core.modules import STD, ModulePath, ParsedModule, module_name
from aura_core.source import Span
from aura_core.stdlib import std_root as default_std_root
from aura_parse.import_cycles import find_cycles
from aura_parse.parser import ParseResult, parse_module
from aura_parse.project import (
    MANIFEST_FILE,
    Package,
    Project,
    find_package_dir,
    import_name,
    load_project,
)

__all__ = [
    "CODE_IMPORT_CYCLE",
    "CODE_MODULE_NOT_FOUND",
    "CODE_NOT_A_DEPENDENCY",
    "DISK",
    "LoadResult",
    "SourceReader",
    "load_program",
    "module_file",
]

CODE_MODULE_NOT_FOUND = "E0103"
CODE_IMPORT_CYCLE = "E0104"
CODE_NOT_A_DEPENDENCY = "E0105"

#: The file of a package's root module: ``src/lib.aura`` is the package itself.
ROOT_MODULE = "lib"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IMPORT_PATH = re.compile(r"import\s+([A-Za-z_][A-Za-z0-9_]*(?:\s*::\s*[A-Za-z_][A-Za-z0-9_]*)*)")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The modules of a program and what was wrong with them.

    ``entry`` is the module path of the entry file, or of a package's root
    module (``lib.aura``, else ``main.aura``) when a package directory was
    loaded; None when there is no such module or it could not be read.
    Modules that could not be read are absent; modules with syntax errors are
    present with the declarations that parsed.
    """

    modules: tuple[ParsedModule, ...]
    diagnostics: tuple[Diagnostic, ...]
    entry: ModulePath | None
    #: Each module's whole parse (comments and syntax diagnostics too), by path.
    parses: Mapping[ModulePath, ParseResult] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


class SourceReader(Protocol):
    """Where the loader finds modules and their text: the one thing that differs
    between the command line (files) and an editor (open documents over files)."""

    def is_module(self, file: Path) -> bool:
        """Whether a module's text exists at ``file``."""
        ...

    def parse(self, file: Path) -> ParseResult | Diagnostic:
        """The parse of the module at ``file``, or why it cannot be read."""
        ...

    def modules_below(self, root: Path) -> list[Path]:
        """Every module file below ``root`` (a package's sources), in a stable order."""
        ...

    def package_dir(self, file: Path) -> Path | None:
        """The package directory whose sources hold ``file``, or None."""
        ...


class _Disk:
    """Modules are the ``.aura`` files on disk, read afresh."""

    def is_module(self, file: Path) -> bool:
        return file.is_file()

    def parse(self, file: Path) -> ParseResult | Diagnostic:
        source = read_source(file)
        return source if isinstance(source, Diagnostic) else parse_module(source)

    def modules_below(self, root: Path) -> list[Path]:
        return collect_sources([root]) if root.is_dir() else []

    def package_dir(self, file: Path) -> Path | None:
        return find_package_dir(file)


#: The command line's reader.
DISK: SourceReader = _Disk()


def module_file(root: Path, relative: tuple[str, ...]) -> Path:
    """The file of a module below a package's source root: ``("net", "http")`` is
    ``root/net/http.aura``; ``()``, the package itself, is ``root/lib.aura``."""
    if not relative:
        return root / f"{ROOT_MODULE}.aura"
    return root.joinpath(*relative[:-1], f"{relative[-1]}.aura")


def load_program(
    entry: Path | str,
    *,
    std_root: Path | None = None,
    dev_dependencies: bool = False,
    reader: SourceReader = DISK,
) -> LoadResult:
    """Load the program rooted at ``entry``: a ``.aura`` file or a package directory.

    A file inside a package (below the ``src/`` of the nearest directory with an
    ``aura.toml``) is that package's module; any other file is a program of its
    own, module ``(stem,)``, that may import only ``std``.  A package directory
    loads every module under its ``src/``.  ``std_root`` defaults to
    :func:`aura_core.stdlib.std_root`.  ``dev_dependencies`` lets the package's own
    modules import its dev-dependencies too (for ``aura test``).  ``reader`` says
    where module text comes from (files, by default).
    """
    root = std_root if std_root is not None else default_std_root()
    loader = _Loader(root, reader)
    entry_path = loader.start(Path(entry), dev_dependencies)
    loader.run()
    modules = tuple(loader.modules.values())
    for cycle in find_cycles([m.path for m in modules], loader.imports):
        loader.diagnostics.append(loader.cycle_diagnostic(cycle))
    if entry_path not in loader.modules:
        entry_path = None
    return LoadResult(modules, tuple(loader.diagnostics), entry_path, dict(loader.parses))


@dataclass(frozen=True, slots=True)
class _Pending:
    """A module found but not yet read."""

    path: ModulePath
    file: Path
    package: Package


@dataclass(frozen=True, slots=True)
class _Edge:
    """The first ``import`` of one module by another, kept for cycle reports."""

    target: ModulePath
    span: Span


@dataclass
class _Loader:
    """The state of one :func:`load_program` call; nothing outlives it."""

    std_root: Path
    reader: SourceReader
    project: Project | None = None
    modules: dict[ModulePath, ParsedModule] = field(default_factory=dict)
    parses: dict[ModulePath, ParseResult] = field(default_factory=dict)
    imports: dict[ModulePath, list[ModulePath]] = field(default_factory=dict)
    edges: dict[ModulePath, list[_Edge]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    queue: deque[_Pending] = field(default_factory=deque)
    seen: set[ModulePath] = field(default_factory=set)

    # ------------------------------------------------------------------ entry

    def start(self, entry: Path, dev: bool) -> ModulePath | None:
        """Queue the entry's modules; returns the entry's module path."""
        if entry.is_dir():
            if not (entry / MANIFEST_FILE).is_file():
                self.diagnostics.append(
                    Diagnostic.error(
                        "E0019",
                        f"cannot read `{entry}`: it is a directory without an `{MANIFEST_FILE}`",
                        notes=(
                            "a package is a directory with an `aura.toml` and its modules "
                            "under `src/`",
                        ),
                    )
                )
                return None
            package = self.open_project(entry, dev)
            return self.start_package(package)
        directory = self.reader.package_dir(entry)
        if directory is None:
            name = import_name(entry.stem)
            self.enqueue(_Pending((name,), entry, Package(name, None)))
            return (name,)
        package = self.open_project(directory, dev)
        assert package.root is not None
        path = _path_of(package.import_name, _below(entry, package.root).with_suffix("").parts)
        self.enqueue(_Pending(path, entry, package))
        return path

    def open_project(self, directory: Path, dev: bool) -> Package:
        """Read the package's files; returns its package as its own modules see it."""
        self.project = load_project(directory)
        self.diagnostics.extend(self.project.diagnostics)
        package = self.project.package
        if dev:
            extra = tuple(
                d
                for d in self.project.dev_dependencies
                if package.dependency(d.import_name) is None
            )
            package = Package(package.import_name, package.root, package.dependencies + extra)
        return package

    def start_package(self, package: Package) -> ModulePath | None:
        """Queue every module under the package's ``src/``, its root module first."""
        assert package.root is not None
        source_root = package.root
        files = self.reader.modules_below(source_root)
        found = [
            _Pending(
                _path_of(package.import_name, _below(f, source_root).with_suffix("").parts),
                f,
                package,
            )
            for f in files
        ]
        if not found:
            self.diagnostics.append(
                Diagnostic.error(
                    CODE_MODULE_NOT_FOUND,
                    f"package `{package.import_name}` has no modules",
                    notes=(f"looked for `*.aura` files in `{source_root}`",),
                    help=f"a library's root module is `{source_root / 'lib.aura'}`",
                )
            )
            return None
        roots = [(package.import_name,), (package.import_name, "main")]
        entry = next((p.path for r in roots for p in found if p.path == r), None)
        found.sort(key=lambda p: p.path != entry)
        for pending in found:
            self.enqueue(pending)
        return entry

    # -------------------------------------------------------------- traversal

    def enqueue(self, pending: _Pending) -> None:
        if pending.path not in self.seen:
            self.seen.add(pending.path)
            self.queue.append(pending)

    def run(self) -> None:
        while self.queue:
            self.load(self.queue.popleft())

    def load(self, pending: _Pending) -> None:
        parsed = self.reader.parse(pending.file)
        if isinstance(parsed, Diagnostic):
            self.diagnostics.append(parsed)
            return
        self.diagnostics.extend(parsed.diagnostics)
        package = pending.package
        deps = frozenset({STD, *(d.import_name for d in package.dependencies)})
        module = ParsedModule(pending.path, package.import_name, parsed.source, parsed.module, deps)
        self.modules[module.path] = module
        self.parses[module.path] = parsed
        targets: list[ModulePath] = []
        edges: list[_Edge] = []
        for decl in parsed.module.decls:
            if not isinstance(decl, ast.Import):
                continue
            found = self.resolve(module, package, decl)
            if found is None:
                continue
            self.enqueue(found)
            if found.path not in targets:
                targets.append(found.path)
                edges.append(_Edge(found.path, _path_span(module, decl)))
        self.imports[module.path] = targets
        self.edges[module.path] = edges

    # ------------------------------------------------------------- resolution

    def resolve(self, module: ParsedModule, package: Package, decl: ast.Import) -> _Pending | None:
        """Where an import leads, or None after reporting why it leads nowhere."""
        head, rest = decl.path[0], decl.path[1:]
        if head == STD:
            target = Package(STD, self.std_root)
        elif head == package.import_name:
            if package.root is None:
                if decl.path == module.path:
                    return _Pending(module.path, Path(module.source.name), package)
                self.report_missing(
                    module, decl, None, ("a file outside a package has no other modules",)
                )
                return None
            target = package
        else:
            dependency = package.dependency(head)
            if dependency is None:
                self.report_not_a_dependency(module, package, decl)
                return None
            target = (
                self.project.package_of(dependency)
                if self.project is not None
                else Package(head, dependency.root)
            )
        assert target.root is not None
        if rest == (ROOT_MODULE,):
            self.report_missing(
                module,
                decl,
                None,
                (f"`{module_file(target.root, ())}` is the package `{head}` itself",),
                Help(f"import the package as `{head}`", Edit(_path_span(module, decl), head)),
            )
            return None
        file = module_file(target.root, rest)
        if not self.reader.is_module(file):
            self.report_missing(module, decl, target)
            return None
        return _Pending(decl.path, file, target)

    def report_missing(
        self,
        module: ParsedModule,
        decl: ast.Import,
        target: Package | None,
        notes: tuple[str, ...] = (),
        help: Help | None = None,
    ) -> None:
        if target is not None and target.root is not None:
            file = module_file(target.root, decl.path[1:])
            notes = (*notes, f"looked for `{file}`")
            suggestion = _suggest(target.root, decl.path[1:])
            if suggestion is not None:
                name = module_name((decl.path[0], *suggestion))
                help = Help(f"did you mean `{name}`?", Edit(_path_span(module, decl), name))
            elif target.import_name not in (STD, module.package) and not target.root.is_dir():
                help = Help(f"`{target.root}` does not exist; run `aura pkg install`")
        self.diagnostics.append(
            Diagnostic.error(
                CODE_MODULE_NOT_FOUND,
                f"module `{module_name(decl.path)}` not found",
                module.source,
                _path_span(module, decl),
                notes=notes,
                help=help,
            )
        )

    def report_not_a_dependency(
        self, module: ParsedModule, package: Package, decl: ast.Import
    ) -> None:
        head = decl.path[0]
        span = _path_span(module, decl)
        project = self.project
        owner = package.import_name
        is_project = project is not None and package.root == project.package.root
        if package.root is None:
            notes: tuple[str, ...] = (
                "a file outside a package can import only `std`; a package is a directory "
                "with an `aura.toml` and its modules under `src/`",
            )
        else:
            notes = (f"`{owner}` can import `std`, its own modules and its direct dependencies",)
        if project is not None and is_project:
            if head in project.declared:
                self.report_missing(
                    module,
                    decl,
                    None,
                    (f"`{head}` is a dependency in `{MANIFEST_FILE}` but is not installed",),
                    Help("run `aura pkg install`"),
                )
                return
            if any(d.import_name == head for d in project.dev_dependencies):
                notes = (f"`{head}` is a dev-dependency: only tests can import it",)
        if project is not None:
            importer = project.importer_of(head)
            if importer is not None and importer != owner:
                notes = (
                    *notes,
                    f"`{head}` is a dependency of `{importer}`, not of `{owner}`; only direct "
                    "dependencies can be imported",
                )
        # A lone file is a package of one module: naming itself is no fix (a cycle).
        own = [owner] if is_project else []
        known = [STD, *own, *(d.import_name for d in package.dependencies)]
        close = difflib.get_close_matches(head, known, n=1)
        help: Help | str | None = None
        if close:
            fixed = module_name((close[0], *decl.path[1:]))
            help = Help(f"did you mean `{fixed}`?", Edit(span, fixed))
        elif is_project:
            help = (
                f"add `{head}` to `[dependencies]` in `{MANIFEST_FILE}` and run `aura pkg install`"
            )
        self.diagnostics.append(
            Diagnostic.error(
                CODE_NOT_A_DEPENDENCY,
                f"cannot import `{module_name(decl.path)}`: `{head}` is not a direct "
                f"dependency of `{owner}`",
                module.source,
                span,
                notes=notes,
                help=help,
            )
        )

    # ----------------------------------------------------------------- cycles

    def cycle_diagnostic(self, cycle: list[ModulePath]) -> Diagnostic:
        """E0104 for ``cycle`` (``[a, b]`` is ``a -> b -> a``), at each import in it."""
        steps = list(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
        spans = [next(e.span for e in self.edges[a] if e.target == b) for a, b in steps]
        labels = tuple(
            Label(span, f"`{module_name(a)}` imports `{module_name(b)}`", self.modules[a].source)
            for (a, b), span in zip(steps, spans, strict=True)
        )
        shown = " -> ".join(module_name(p) for p in [*cycle, cycle[0]])
        first = self.modules[cycle[0]]
        return Diagnostic.error(
            CODE_IMPORT_CYCLE,
            f"import cycle: {shown}",
            first.source,
            spans[0],
            labels=labels,
            notes=("modules may not import each other, directly or through other modules",),
            help="move what the modules share into a module that imports neither",
        )


def _below(file: Path, root: Path) -> Path:
    """``file`` relative to ``root``, however either is spelled (an editor's paths vary)."""
    return Path(os.path.relpath(os.path.abspath(file), os.path.abspath(root)))


def _path_of(package: str, relative: tuple[str, ...]) -> ModulePath:
    """The module path of a file at ``relative`` (no suffix) below a package's sources."""
    if relative == (ROOT_MODULE,):
        return (package,)
    return (package, *relative)


def _path_span(module: ParsedModule, decl: ast.Import) -> Span:
    """The span of the module path in an ``import`` (the whole declaration as a fallback)."""
    text = module.source.text[decl.span.start : decl.span.end]
    m = _IMPORT_PATH.match(text)
    if m is None:
        return decl.span
    return Span(decl.span.start + m.start(1), decl.span.start + m.end(1))


def _suggest(root: Path, relative: tuple[str, ...]) -> tuple[str, ...] | None:
    """An existing module path close to ``relative``, which names no file below ``root``.

    Each part is matched against what exists at its level: directories for the
    inner parts, ``.aura`` files for the last.
    """
    fixed: list[str] = []
    directory = root
    for i, part in enumerate(relative):
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            return None
        if i == len(relative) - 1:
            names = [e.removesuffix(".aura") for e in entries if e.endswith(".aura")]
            names = [n for n in names if not (i == 0 and n == ROOT_MODULE)]
        else:
            names = [e for e in entries if (directory / e).is_dir()]
        names = [n for n in names if _IDENTIFIER.fullmatch(n)]
        if part not in names:
            close = difflib.get_close_matches(part, names, n=1)
            if not close:
                return None
            part = close[0]
        fixed.append(part)
        directory = directory / part
    result = tuple(fixed)
    if result == relative or not module_file(root, result).is_file():
        return None
    return result
