"""Backups of the whole installation: the database and the uploaded files, in one tar file.

A backup holds ``database.dump`` (``pg_dump`` custom format) on PostgreSQL or
``database.sqlite3`` (SQLite's online backup API, consistent while the app runs)
embedded, the uploads folder under ``media/``, and ``manifest.json`` with the row
count and a checksum of every table. ``backup_restore`` puts both back and then
recomputes the checksums: a restore that does not reproduce the manifest is
reported, not trusted.

The tools are the databases' own (pg_dump/pg_restore, the SQLite backup API)
rather than ``dumpdata``: they keep sequences, constraints and history tables
byte for byte and restore in seconds, where a JSON dump of a large metric store
would take minutes and lose nothing only if every model serialises perfectly.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _row_digest(row: tuple) -> int:
    normalised = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
    return int.from_bytes(hashlib.sha256(repr(normalised).encode()).digest()[:8], "big")


def table_checksums() -> dict[str, dict[str, int | str]]:
    """Every table's row count and an order-independent checksum of its rows.

    The checksum is the sum of each row's hash modulo 2**64, so it does not
    depend on the order the database returns rows in (which a restore may change).
    """
    found: dict[str, dict[str, int | str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 — names from the catalogue
            count, total = 0, 0
            while rows := cursor.fetchmany(2000):
                count += len(rows)
                total = (total + sum(_row_digest(tuple(r)) for r in rows)) % 2**64
            found[table] = {"rows": count, "checksum": f"{total:016x}"}
    return found


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]  # never on the command line, where ps shows it
    return args, env


def _tool(name: str) -> str:
    """The PostgreSQL client program's full path (the postgresql-client package)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools.")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target.name
    if connection.vendor != "postgresql":
        raise BackupError(f"No backup method for the {connection.vendor} database.")
    args, env = _pg_environment()
    target = folder / "database.dump"
    _run([_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(target),
          connection.settings_dict["NAME"]], env)
    return target.name


def backup_create(*, destination: Path, media_root: Path | None = None) -> Path:
    """Write a backup tar file into ``destination`` and return its path."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    destination.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    archive = destination / f"campaignops-{stamp}.tar"
    with tempfile.TemporaryDirectory(dir=destination) as work:
        folder = Path(work)
        database_file = _dump_database(folder)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": connection.vendor,
            "database_file": database_file,
            "tables": table_checksums(),
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(folder / database_file, arcname=database_file)
            if media_root.is_dir():
                tar.add(media_root, arcname="media")
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        # Renamed only when complete: a full disk leaves a .partial, never a backup that lies.
        partial.rename(archive)
    return archive


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("Not a CampaignOps backup: it has no manifest.")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Backup format {manifest.get('format')} is not supported here.")
    return manifest


def _restore_database(folder: Path, manifest: dict) -> None:
    source = folder / manifest["database_file"]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(source) as original:
            original.backup(connection.connection)
        original.close()
        return
    connection.close()  # the restore drops every table: no transaction of ours may hold one
    args, env = _pg_environment()
    # ``pg_restore --clean`` cannot drop the constraints partitions inherit (the
    # metric store is partitioned), so the schema is dropped and rebuilt instead,
    # in the same single transaction as the restore: a restore that fails half-way
    # leaves the database as it was.
    script = subprocess.Popen(  # noqa: S603
        [_tool("pg_restore"), "--no-owner", "--file", "-", str(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    apply = subprocess.Popen(  # noqa: S603
        [_tool("psql"), *args, "--quiet", "--no-psqlrc", "--single-transaction",
         "--set", "ON_ERROR_STOP=1", "--dbname", connection.settings_dict["NAME"]],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    apply.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
    first = True
    while chunk := script.stdout.read(1 << 20):
        if first:
            # The dump names the schema it restores into; it is created just above.
            chunk = chunk.replace(b"\nCREATE SCHEMA public;\n", b"\n")
            first = False
        apply.stdin.write(chunk)
    apply.stdin.close()
    script_error = script.stderr.read().decode(errors="replace")
    apply_error = apply.stderr.read().decode(errors="replace")
    if script.wait() != 0:
        apply.kill()
        apply.wait()
        raise BackupError(f"pg_restore failed: {script_error.strip()[-2000:]}")
    if apply.wait() != 0:
        raise BackupError(f"psql failed, nothing was changed: {apply_error.strip()[-2000:]}")


def backup_restore(*, archive: Path, media_root: Path | None = None) -> dict[str, list[str]]:
    """Put a backup back (database and uploads) and verify it against its manifest.

    Returns the tables whose rows or checksum differ from the manifest (empty when
    the restore reproduced the backup exactly). Refuses a backup of another
    database kind: a PostgreSQL dump does not load into SQLite.
    """
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tarfile.open(archive, "r") as tar:
        manifest = _read_manifest(tar)
        connection.ensure_connection()
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['vendor']} database; this installation "
                f"runs on {connection.vendor}."
            )
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work)
            tar.extractall(folder, filter="data")
            _restore_database(folder, manifest)
            if (folder / "media").is_dir():
                if media_root.exists():
                    shutil.rmtree(media_root)
                shutil.copytree(folder / "media", media_root)
    now = table_checksums()
    expected = manifest["tables"]
    return {
        "differ": sorted(t for t in expected if t in now and now[t] != expected[t]),
        "missing": sorted(set(expected) - set(now)),
    }
