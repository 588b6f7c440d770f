"""Fixtures of the web UI tests: the built UI, a registry serving it, a browser.

The UI is the npm tree in ``website/``; its tests need ``website/dist`` built
(``npm ci && npm run build``, which ``build/system.py`` runs before CI's tests).
When ``dist`` is missing and npm is installed, the fixture builds it.

The registry is the real one: ``aura registry serve`` in a subprocess on a free
loopback port, with a temporary storage directory (SQLite), one user made with
``aura registry admin create-user``, and packages published with ``aura pkg
publish`` as a user would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import systools
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
WEBSITE = ROOT / "website"
DIST = WEBSITE / "dist"

#: Flags that keep Debian's Chromium quiet, offline and runnable as root in a container.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: How long a step may wait for the page: generous, as CI machines are shared and slow.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def _build_website() -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "website/dist is missing or older than its sources, and npm is not installed: "
            "run `npm ci && npm run build` in website/ (or `python3 build/system.py`)"
        )
    install = "ci" if (WEBSITE / "package-lock.json").is_file() else "install"
    for args in ([install, "--no-audit", "--no-fund"], ["run", "build"]):
        done = subprocess.run(
            [npm, *args], cwd=WEBSITE, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            pytest.fail(
                f"`npm {' '.join(args)}` in website/ failed; run `npm ci && npm run build` "
                f"there to see why:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )


def _stale() -> bool:
    """Whether ``dist`` is missing or older than a source it is built from."""
    built = DIST / "assets" / "app.js"
    if not (DIST / "index.html").is_file() or not built.is_file():
        return True
    sources = [WEBSITE / "package-lock.json", WEBSITE / "build.mjs"]
    sources += [p for d in ("src", "static") for p in (WEBSITE / d).rglob("*") if p.is_file()]
    newest = max(p.stat().st_mtime for p in sources if p.exists())
    return newest > built.stat().st_mtime


@pytest.fixture(scope="session")
def website_dist() -> Path:
    """``website/dist``, built when it is missing or stale; a clear failure when it cannot be."""
    if _stale():
        _build_website()
    if not (DIST / "index.html").is_file():
        pytest.fail("website/dist/index.html is missing: run `npm ci && npm run build` in website/")
    return DIST


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    chromium = systools.require("/usr/bin/chromium", package="chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no shared storage) that fails on script errors."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
    assert not errors, f"uncaught script errors in the page: {errors}"


def _aura() -> Path:
    program = Path(sys.executable).with_name("aura")
    if not program.is_file():
        pytest.fail(f"the aura command is not installed beside {sys.executable}")
    return program


@dataclass
class Registry:
    """A running registry server and the publisher who owns its packages."""

    url: str
    owner: str
    token: str
    work: Path
    env: dict[str, str]

    def aura(self, *args: str) -> str:
        """Runs ``aura ARGS`` as the publisher; its stdout, or a failure showing stderr."""
        done = subprocess.run(
            [str(_aura()), *args],
            env=self.env,
            cwd=self.work,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"`aura {' '.join(args)}` failed ({done.returncode}):\n{done.stderr}")
        return done.stdout

    def publish(
        self,
        name: str,
        version: str,
        *,
        description: str,
        readme: str | None = None,
        dependencies: dict[str, str] | None = None,
    ) -> None:
        """Publishes a small library package with ``aura pkg publish``."""
        project = self.work / "projects" / f"{name}-{version}"
        (project / "src").mkdir(parents=True)
        deps = "".join(f"{dep} = {json.dumps(req)}\n" for dep, req in (dependencies or {}).items())
        (project / "aura.toml").write_text(
            f"[package]\nname = {json.dumps(name)}\nversion = {json.dumps(version)}\n"
            f"description = {json.dumps(description)}\n\n[dependencies]\n{deps}",
            encoding="utf-8",
        )
        (project / "src" / "lib.aura").write_text(
            "pub fn answer() -> Int:\n    return 42\n", encoding="utf-8"
        )
        if readme is not None:
            (project / "README.md").write_text(readme, encoding="utf-8")
        self.aura(
            "pkg",
            "publish",
            "--project",
            str(project),
            "--registry",
            self.url,
            "--token",
            self.token,
        )

    def yank(self, name: str, version: str) -> None:
        self.aura("pkg", "yank", f"{name}@{version}", "--registry", self.url, "--token", self.token)


def _wait_for_address(log: Path, server: subprocess.Popen[bytes]) -> str:
    """The URL the server prints once it listens (it was given port 0)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"Serving the registry at (http://[\d.]+:\d+)", text)
        if found:
            return found.group(1)
        if server.poll() is not None:
            pytest.fail(f"aura registry serve exited with status {server.returncode}:\n{text}")
        time.sleep(0.05)
    pytest.fail(f"aura registry serve did not start within 30 s:\n{log.read_text()}")


def _register_key(url: str, token: str, public_key_file: Path) -> None:
    public = json.loads(public_key_file.read_text(encoding="utf-8"))["public_key"]
    answer = httpx.post(
        f"{url}/api/v1/keys",
        json={"public_key": public},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text


@pytest.fixture(scope="session")
def registry_server(
    website_dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Registry]:
    """``aura registry serve`` with the built UI, a user ``ada`` and ada's registered key."""
    work = tmp_path_factory.mktemp("registry")
    storage = work / "storage"
    env = {
        **os.environ,
        "AURA_CONFIG_DIR": str(work / "config"),
        "AURA_CACHE_DIR": str(work / "cache"),
        "NO_COLOR": "1",
    }
    for name in (
        "AURA_REGISTRY",
        "AURA_REGISTRY_TOKEN",
        "AURA_REGISTRY_DB",
        "AURA_REGISTRY_STORAGE",
    ):
        env.pop(name, None)
    owner = "ada"
    setup = Registry("", owner, "", work, env)
    token = setup.aura("registry", "admin", "create-user", owner, "--storage", str(storage)).strip()
    log = work / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                str(_aura()),
                "registry",
                "serve",
                "--storage",
                str(storage),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--ui",
                str(website_dist),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    try:
        url = _wait_for_address(log, server)
        registry = Registry(url, owner, token, work, env)
        registry.aura("pkg", "keygen")
        _register_key(url, token, work / "config" / "signing-key.pub.json")
        yield registry
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
