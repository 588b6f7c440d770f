"""Build hook: put the standard library's Aura sources into the wheel as ``aura_core/std``.

Built from the repository, the sources are in ``../../sdk/std``; built from the
sdist, they are already in ``src/aura_core/std`` (the sdist's force-include puts
them there) and the wheel's package directory picks them up.  An editable
install gets no copy: :func:`aura_core.stdlib.std_root` then reads ``sdk/std``
in the repository, so edits to the standard library need no reinstall.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class StdSourcesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        if (root / "src" / "aura_core" / "std").is_dir():
            return
        repository_std = root.parent.parent / "sdk" / "std"
        if not repository_std.is_dir():
            raise FileNotFoundError(f"standard library sources not found: {repository_std}")
        build_data["force_include"][str(repository_std)] = "aura_core/std"
