"""``aura pkg search``, ``publish``, ``yank`` and ``init-registry``: talking to a registry.

``publish`` builds the reproducible archive of spec "Package archive" (the same
tree always gives the same bytes, so anyone can rebuild a version and compare
checksums), signs its statement with the user's key, and hands both to the
registry, which logs the version in its transparency log.  The signature is
made here, never by the registry: a registry can refuse a version but cannot
forge one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from aura_pkg.cli._common import (
    choose_registry,
    data,
    fail,
    load_project,
    no_registry,
    open_project_registry,
    project_option,
    read_lock,
    registry_option,
    reported,
    status,
)

if TYPE_CHECKING:
    from aura_pkg.config import Config
    from aura_pkg.manifest import Manifest
    from aura_pkg.registry.index import Verification

__all__ = ["init_registry", "publish", "registry_url", "search", "yank"]


def registry_url(
    explicit: str | None,
    config: Config,
    project: Path | None = None,
    manifest: Manifest | None = None,
) -> str:
    """The registry of a command that may run outside a project."""
    lock = None
    if explicit is None and project is not None:
        lock = read_lock(project)
    url = choose_registry(explicit, lock, config, manifest)
    if url is None:
        no_registry()
    return url


@click.command("search")
@click.argument("text")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Result page.")
@registry_option
@reported
def search(text: str, page: int, registry: str | None) -> None:
    """Search the registry's packages by name, description and keywords.

    Prints one package a line: name, newest version, description.
    """
    from aura_pkg.config import open_config

    url = registry_url(registry, open_config())
    with open_project_registry(url) as client:
        results = client.search(text, page)
    if not results.hits:
        status(f"no packages match {text!r} in {client.url}")
        return
    width = max(len(f"{h.name} {h.version}") for h in results.hits)
    for hit in results.hits:
        head = f"{hit.name} {hit.version}"
        data(f"{head:<{width}}  {hit.description}".rstrip())
    shown = (page - 1) * 20 + len(results.hits)
    if shown < results.total:
        status(f"{shown} of {results.total} shown; --page {page + 1} for more")


@click.command("publish")
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The private key file to sign with.  [default: signing-key.json in the config dir]",
)
@click.option(
    "--token",
    metavar="TOKEN",
    help="API token for an HTTP registry.  [default: $AURA_REGISTRY_TOKEN, else `aura pkg "
    "login`'s]",
)
@click.option("--dry-run", is_flag=True, help="Build and sign, print the result, upload nothing.")
@registry_option
@project_option
@reported
def publish(
    key_file: Path | None,
    token: str | None,
    dry_run: bool,
    registry: str | None,
    project: Path | None,
) -> None:
    """Build, sign and publish the package's current version.

    The archive holds aura.toml, src/ and the README and licence files, in a
    reproducible form.  Path dependencies cannot be published.  A file registry
    (--registry file:///PATH) is written directly.  The verification summary
    (cells verified, not verified, not checked) comes from the results of the
    last `aura verify` in the package.
    """
    from aura_pkg.archive import build_archive
    from aura_pkg.config import open_config
    from aura_pkg.signing import read_private_key, sign_statement
    from aura_pkg.verification_summary import package_verification

    root, manifest = load_project(project)
    config = open_config()
    archive = build_archive(root)
    key_path = key_file or config.signing_key_file
    if key_file is None and not key_path.exists():
        fail(
            f"no signing key in {key_path.parent}",
            help="run `aura pkg keygen` to create one (with --registry URL to register it)",
        )
    private = read_private_key(key_path)
    key_id = private.public_key().key_id
    dependencies = manifest.registry_dependencies()
    signature = sign_statement(
        private, manifest.name, manifest.version, archive.checksum, dependencies
    )
    package = f"{manifest.name} {manifest.version}"
    verification = package_verification(root, manifest).summary
    if dry_run:
        status(f"Built {archive.filename} ({len(archive.data)} bytes), {archive.checksum}")
        status(f"Signed with key {key_id[:16]}…; nothing uploaded (--dry-run)")
        _report_verification(package, verification)
        return
    url = registry_url(registry, config, root, manifest)
    with open_project_registry(url) as client:
        entry = client.publish(
            archive.data,
            signature,
            key_id,
            verification=verification.to_json() if verification is not None else None,
            token=token or config.token(client.url),
        )
    status(f"Published {package} to {client.url} (log index {entry.log_index}, {entry.checksum})")
    _report_verification(package, verification)


def _report_verification(package: str, verification: Verification | None) -> None:
    if verification is None:
        status(
            f"No verification results for {package}, so none were recorded: run `aura verify` "
            "before publishing (`aura pkg install --require-verified` refuses versions without "
            "a complete summary)"
        )
    elif verification.complete:
        status(f"Verification summary: {verification.summary()}")
    else:
        status(
            f"Verification summary: {verification.summary()}; `aura pkg install "
            "--require-verified` refuses this version"
        )


@click.command("yank")
@click.argument("spec", metavar="NAME@VERSION")
@click.option("--undo", is_flag=True, help="Make the version installable for new locks again.")
@click.option("--token", metavar="TOKEN", help="API token for an HTTP registry.")
@registry_option
@reported
def yank(spec: str, undo: bool, token: str | None, registry: str | None) -> None:
    """Mark a published version yanked: new resolutions skip it.

    Lock files that already name it still install it.  Yanking deletes nothing.
    """
    from aura_pkg.config import open_config
    from aura_pkg.manifest import check_package_name
    from aura_pkg.versions import Version, VersionError

    name, at, text = spec.partition("@")
    problem = check_package_name(name) if at else "expected NAME@VERSION"
    if problem is not None:
        raise click.BadParameter(problem, param_hint="NAME@VERSION")
    try:
        version = Version.parse(text)
    except VersionError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME@VERSION") from None
    config = open_config()
    url = registry_url(registry, config)
    with open_project_registry(url) as client:
        client.yank(name, version, undo=undo, token=token or config.token(client.url))
    status(f"{'Unyanked' if undo else 'Yanked'} {name} {version} in {client.url}")


@click.command("init-registry")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@reported
def init_registry(path: Path) -> None:
    """Create a file registry in the directory PATH (absent or empty).

    A file registry holds the registry's documents as files and its root
    private key in PATH/.root-key (mode 0600): it is for local work and tests,
    not for serving.  Use it with --registry file:///ABSOLUTE/PATH.
    """
    from aura_pkg.registry import file_registry_url
    from aura_pkg.registry.file import init_file_registry

    root_key = init_file_registry(path)
    url = file_registry_url(path)
    status(f"Created registry {url} (root key {root_key.key_id[:16]}…)")
    status(f"Use it with --registry {url}, or: export AURA_REGISTRY={url}")
    click.echo(url)
