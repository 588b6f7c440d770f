"""Whether an archive is in the canonical form of spec/packages.md, "Package archive".

:func:`archive_problem` is what a registry runs on an upload: the extraction
checks of :mod:`aura_pkg.archive` keep an install safe, but an archive can pass
them and still break installs or mislead readers.  Every archive
:func:`aura_pkg.archive.build_archive` makes is canonical; what else is refused:

* a layout other than ``aura.toml``, ``src/**`` and top-level README and licence
  files;
* tar headers other than the canonical ones: ustar (no pax or GNU extensions),
  mode 0644 for files and 0755 for directories, mtime 0, uid and gid 0, empty
  user and group names, entries in sorted order;
* a file and a directory of the same path (no install can create both), and
  names that differ only by case or Unicode normalisation (one overwrites the
  other on macOS and Windows);
* names that are not UTF-8 or not in NFC, that hold control or bidirectional
  formatting characters (U+202E makes ``txt.exe`` read as ``exe.txt``), or that
  Windows cannot create (``CON``, ``aux.aura``, ``a:b``, a trailing dot).
"""

from __future__ import annotations

import io
import re
import tarfile
import unicodedata

from aura_pkg.archive import TOP_LEVEL_FILES, Limits, entry_sort_key, gunzip_archive
from aura_pkg.errors import ArchiveError

__all__ = ["archive_problem"]

_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
_WINDOWS_CHARACTERS = frozenset('<>:"|?*')


def _name_problem(part: str) -> str | None:
    try:
        part.encode("utf-8")
    except UnicodeEncodeError:
        return "is not UTF-8"
    if unicodedata.normalize("NFC", part) != part:
        return "is not in Unicode normal form C"
    for character in part:
        category = unicodedata.category(character)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return f"holds the control or formatting character U+{ord(character):04X}"
        if character in _WINDOWS_CHARACTERS:
            return f"holds {character!r}, which Windows forbids in file names"
    if _WINDOWS_RESERVED.fullmatch(part):
        return "is a name Windows reserves for a device"
    if part.endswith((".", " ")):
        return "ends with a dot or a space, which Windows drops"
    return None


def _header_problem(member: tarfile.TarInfo) -> str | None:
    directory = member.type == tarfile.DIRTYPE
    wanted = 0o755 if directory else 0o644
    if member.mode != wanted:
        return f"has mode {member.mode:04o}, not {wanted:04o}"
    if member.pax_headers:
        return "has pax extended headers (the archive format is plain ustar)"
    if member.mtime != 0 or member.uid != 0 or member.gid != 0:
        return "has an mtime, uid or gid other than 0"
    if member.uname or member.gname:
        return "has a user or group name"
    return None


def _layout_problem(path: str, directory: bool) -> str | None:
    top, _, rest = path.partition("/")
    if top == "src":
        return None if rest or directory else "is a file where the src directory belongs"
    if rest or directory:
        return "is outside src/ (an archive holds aura.toml, src/**, README and licence files)"
    if top == "aura.toml" or TOP_LEVEL_FILES.fullmatch(top):
        return None
    return "is a stray top-level file (only aura.toml, README and licence files belong there)"


def archive_problem(data: bytes, prefix: str, limits: Limits, package: str) -> str | None:
    """What keeps the archive ``data`` (top directory ``prefix``) from being canonical.

    None when it is canonical.  Run after the extraction checks, which refuse
    what is unsafe; this refuses what is merely not the spec's form.
    """
    tar_bytes = gunzip_archive(data, limits, package)
    paths: list[str] = []
    kinds: dict[str, bool] = {}  # path -> is a directory
    folded: dict[str, str] = {}
    try:
        with tarfile.open(
            fileobj=io.BytesIO(tar_bytes), mode="r:", format=tarfile.USTAR_FORMAT
        ) as tar:
            for member in tar:
                name = member.name
                problem = _header_problem(member)
                if problem is not None:
                    return f"entry {name!r} {problem}"
                path = name.partition("/")[2]
                for part in name.split("/"):
                    problem = _name_problem(part)
                    if problem is not None:
                        return f"entry {name!r}: the name {part!r} {problem}"
                if not path:
                    continue
                directory = member.type == tarfile.DIRTYPE
                problem = _layout_problem(path, directory)
                if problem is not None:
                    return f"entry {name!r} {problem}"
                key = unicodedata.normalize("NFC", path).casefold()
                if key in folded:
                    return f"entries {folded[key]!r} and {path!r} differ only by case"
                folded[key] = path
                kinds[path] = directory
                paths.append(path)
    except (tarfile.TarError, ArchiveError) as exc:  # pragma: no cover - checked before
        raise ArchiveError(f"corrupted archive (tar: {exc})", package=package) from None
    if paths != sorted(paths, key=entry_sort_key):
        return "the entries are not in sorted order"
    for path in paths:
        parent = path.rpartition("/")[0]
        while parent:
            if kinds.get(parent) is False:
                return f"{parent!r} is both a file and the directory of {path!r}"
            parent = parent.rpartition("/")[0]
    return None
