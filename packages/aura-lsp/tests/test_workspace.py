"""The editor's loader is the command line's, with open documents over files."""

from __future__ import annotations

from pathlib import Path

from aura_lsp.documents import Document
from aura_lsp.workspace import ModuleLoader, root_of, uri_of_path
from aura_parse import load_program


def _package(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "src" / "net").mkdir(parents=True)
    (root / "aura.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\n')
    (root / "src" / "main.aura").write_text(
        "import app::net::http\nimport app::nope\nimport other::thing\n\ncell main():\n    ()\n"
    )
    (root / "src" / "net" / "http.aura").write_text("import app::net::tcp\n")
    (root / "src" / "net" / "tcp.aura").write_text("import app::net::http\n")
    return root


def _shown(diagnostics: tuple[object, ...]) -> list[tuple[str, str, str]]:
    out = []
    for d in diagnostics:
        code, message, file = d.code, d.message, d.file  # type: ignore[attr-defined]
        out.append((code, message, Path(file.name).name if file is not None else ""))
    return sorted(out)


def test_the_editor_reports_what_the_command_line_reports(tmp_path: Path) -> None:
    root = _package(tmp_path)
    command_line = load_program(root)
    editor = ModuleLoader().load(root_of(uri_of_path(root / "src" / "main.aura")), {})
    assert _shown(editor.diagnostics) == _shown(command_line.diagnostics)
    codes = {code for code, _, _ in _shown(editor.diagnostics)}
    assert codes == {"E0103", "E0104", "E0105"}
    assert set(editor.parses) == {m.path for m in command_line.modules}
    assert editor.uris[("app", "net", "tcp")] == uri_of_path(root / "src" / "net" / "tcp.aura")


def test_open_documents_win_over_files_and_may_exist_only_in_the_editor(tmp_path: Path) -> None:
    root = _package(tmp_path)
    main_uri = uri_of_path(root / "src" / "main.aura")
    new_uri = uri_of_path(root / "src" / "nope.aura")
    docs = {
        main_uri: Document(main_uri, 3, "import app::nope\n\ncell main():\n    ()\n"),
        new_uri: Document(new_uri, 1, "pub cell f() -> i64:\n    return 1\n"),
    }
    loaded = ModuleLoader().load(root_of(main_uri), docs)
    assert not [d for d in loaded.diagnostics if d.code == "E0103"]
    assert loaded.uris[("app", "nope")] == new_uri
    assert loaded.versions == {main_uri: 3, new_uri: 1}
    assert loaded.parses[("app", "main")].source.text == docs[main_uri].text


def test_an_untitled_document_is_a_program_of_its_own() -> None:
    uri = "untitled:scratch.aura"
    docs = {uri: Document(uri, 1, "import std::io\nimport scratch::more\n")}
    loaded = ModuleLoader().load(root_of(uri), docs)
    assert loaded.uris[("scratch",)] == uri
    assert ("std", "io") in loaded.uris
    assert [d.code for d in loaded.diagnostics] == ["E0103"]
