"""The declarations of every module, and name lookup across modules.

First pass of the checker: each module's top-level declarations and imports are
collected (duplicates are E0134); afterwards a name written in a module can be
looked up as the spec's scoping rules say -- own declarations, prelude, and
``alias::name`` for an imported module's ``pub`` declarations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aura_core import ast
from aura_core.check.report import Reporter
from aura_core.check.suggest import did_you_mean
from aura_core.modules import ModulePath, ParsedModule, module_name
from aura_core.source import Span
from aura_core.types import QualName

__all__ = ["DeclRef", "Environment", "ModuleEnv"]


@dataclass(frozen=True, slots=True)
class DeclRef:
    """A declaration found by a lookup, with the module it lives in."""

    name: QualName
    decl: ast.TypeDecl | ast.CellDecl | ast.ConstDecl
    module: ModuleEnv


@dataclass
class ModuleEnv:
    parsed: ParsedModule
    decls: dict[str, ast.TypeDecl | ast.CellDecl | ast.ConstDecl] = field(default_factory=dict)
    imports: dict[str, ModulePath] = field(default_factory=dict)
    import_spans: dict[str, Span] = field(default_factory=dict)

    @property
    def path(self) -> ModulePath:
        return self.parsed.path

    def qual(self, name: str) -> QualName:
        return QualName(self.path, name)


class Environment:
    """Every module's declarations, built once per check."""

    def __init__(self, modules: Sequence[ParsedModule], report: Reporter):
        self.report = report
        self.modules: dict[ModulePath, ModuleEnv] = {}
        for parsed in modules:
            self.modules[parsed.path] = self._collect(parsed)

    def _collect(self, parsed: ParsedModule) -> ModuleEnv:
        env = ModuleEnv(parsed)
        file = parsed.source
        for decl in parsed.ast.decls:
            if isinstance(decl, ast.Import):
                alias = decl.alias or decl.path[-1]
                if alias in env.imports:
                    self.report.error(
                        "E0134",
                        f"`{alias}` is imported twice",
                        file,
                        decl.span,
                        help="give one of the imports another name with `as`",
                    )
                    continue
                env.imports[alias] = decl.path
                env.import_spans[alias] = decl.span
                continue
            previous = env.decls.get(decl.name)
            if previous is not None:
                self.report.error(
                    "E0134",
                    f"`{decl.name}` is declared twice in this module",
                    file,
                    decl.span,
                    labels=((previous.span, "first declared here"),),
                    help="rename or remove one of the declarations",
                )
                continue
            env.decls[decl.name] = decl
        for alias, span in env.import_spans.items():
            if alias in env.decls:
                self.report.error(
                    "E0134",
                    f"`{alias}` is both an imported module and a declaration",
                    file,
                    span,
                    help=f"import it under another name: `import ... as {alias}_mod`",
                )
        return env

    def own(self, module: ModuleEnv, name: str) -> DeclRef | None:
        decl = module.decls.get(name)
        return DeclRef(module.qual(name), decl, module) if decl is not None else None

    def imported(self, module: ModuleEnv, alias: str) -> ModuleEnv | None:
        path = module.imports.get(alias)
        return self.modules.get(path) if path is not None else None

    def member(self, module: ModuleEnv, alias: str, name: str, span: Span) -> DeclRef | None:
        """``alias::name`` from ``module``: a ``pub`` declaration of an imported module.

        Reports what is wrong (unknown module, unknown or private member) and
        returns None then.
        """
        target = self.imported(module, alias)
        if target is None:
            return None
        decl = target.decls.get(name)
        file = module.parsed.source
        if decl is None:
            self.report.error(
                "E0100",
                f"module `{module_name(target.path)}` has no `{name}`",
                file,
                span,
                help=did_you_mean(name, [n for n, d in target.decls.items() if d.pub]),
            )
            return None
        if not decl.pub:
            self.report.error(
                "E0133",
                f"`{name}` is private to module `{module_name(target.path)}`",
                file,
                span,
                help=f"mark it `pub` where it is declared, in {module_name(target.path)}",
            )
        return DeclRef(target.qual(name), decl, target)

    def find(self, name: QualName) -> DeclRef | None:
        module = self.modules.get(name.module)
        if module is None:
            return None
        return self.own(module, name.name)
