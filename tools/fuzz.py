"""Fuzz the API through its live schema: no 5xx, and every answer as documented.

``make fuzz`` (``FUZZ_ARGS=--quick`` for the short CI run) starts everything it
needs and removes it again:

1. a throwaway database: an SQLite file in a temporary directory, or, when
   ``DATABASE_URL`` points at PostgreSQL, a new database on that server named
   ``campaignops_fuzz_<pid>`` (dropped at the end; the database named in the URL
   is never touched);
2. ``migrate``, ``seed_demo`` and an API token for a demo user (``admin`` by
   default, the role that may call every operation);
3. gunicorn on a free loopback port with ``DEBUG`` off and ``EMBEDDED=true``;
4. ``schemathesis run`` against ``/api/schema/`` as that user, at most
   ``--max-examples`` cases per operation and phase, with the checks
   ``not_a_server_error``, ``status_code_conformance``,
   ``content_type_conformance`` and ``response_schema_conformance``.

It prints schemathesis' own report, then one line
``RESULT operations=… cases=… failures=… server_errors=…`` and exits non-zero
when anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# The short CI run: few cases per operation and no stateful phase, so it ends
# within three minutes on two cores; the full run adds the stateful phase. The
# coverage phase (every boundary of every parameter) is not bounded by
# --max-examples and takes far longer than both together, so it runs only when
# asked for with --coverage.
QUICK_EXAMPLES = 4
QUICK_PHASES = "examples,fuzzing"
FULL_PHASES = "examples,fuzzing,stateful"
PROTECTED_DATABASES = {"postgres", "template0", "template1", "campaignops_ci", "test_campaignops_ci"}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=25,
                        help="cases per operation and phase (default 25)")
    parser.add_argument("--quick", action="store_true",
                        help=f"short run for CI: {QUICK_EXAMPLES} cases, no stateful phase")
    parser.add_argument("--coverage", action="store_true",
                        help="add schemathesis' coverage phase (unbounded; tens of minutes)")
    parser.add_argument("--user", default="admin", help="demo user whose token is used")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis random seed")
    # One worker: CPython 3.11 can fail "AST constructor recursion depth
    # mismatch" when Hypothesis describes strategies from several threads.
    parser.add_argument("--workers", default="1", help="schemathesis workers (default 1)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (logs, report) for inspection")
    parser.add_argument("schemathesis_args", nargs="*",
                        help="passed to schemathesis after `--`, e.g. -- --include-path-regex campaigns")
    return parser.parse_args(argv)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _throwaway_database(workdir: Path):
    """Yield the DATABASE_URL of a database that exists only for this run."""
    source = os.environ.get("DATABASE_URL", "")
    if not source:
        yield f"sqlite:///{workdir / 'fuzz.sqlite3'}"
        return
    parts = urlsplit(source)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"fuzz: DATABASE_URL must be PostgreSQL or unset, not {parts.scheme}")
    import psycopg2
    from psycopg2 import sql

    name = f"campaignops_fuzz_{os.getpid()}"
    if name in PROTECTED_DATABASES:  # never the CI, test or maintenance databases
        raise SystemExit(f"fuzz: refusing to use database {name}")
    admin_dsn = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin_dsn)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"fuzz: created database {name} on {parts.hostname}:{parts.port or 5432}")
        try:
            yield urlunsplit(parts._replace(path=f"/{name}"))
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            print(f"fuzz: dropped database {name}")
    finally:
        connection.close()


def _server_environment(workdir: Path, database_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "EMBEDDED": "true",
        "DEBUG": "false",
        "VAR_DIR": str(workdir / "var"),
        "LANGUAGE_CODE": "en",
        # The fuzzer calls the CPU-heavy operations hundreds of times a minute;
        # their throttle would answer 429 and hide what the views do.
        "API_CPU_RATE": "100000/minute",
        # Errors only: thousands of refused requests would each log a warning.
        "LOG_LEVEL": "ERROR",
    })
    # Tasks the fuzzer's writes queue would otherwise wait in the shared Redis
    # for a later worker, whose database no longer holds their rows: this run
    # keeps its queue (the filesystem broker) and cache inside its own directory.
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


# One process for the three steps: Django starts once instead of three times.
PREPARE = """
import io, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_demo", stdout=io.StringIO())
user = get_user_model().objects.get(username=sys.argv[1])
print("TOKEN", Token.objects.get_or_create(user=user)[0].key)
"""


def _prepare(env: dict, user: str) -> str:
    """Migrate, seed the demo data and return an API token of ``user``.

    No collectstatic: the API answers JSON only, and compressing the static
    files takes minutes on a small machine.
    """
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run([str(BIN / "python"), "-c", PREPARE, user], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"fuzz: preparing the database failed:\n{done.stderr[-4000:]}")
    match = re.search(r"^TOKEN ([0-9a-f]{40})$", done.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f"fuzz: no token in: {done.stdout!r}")
    return match.group(1)


@contextmanager
def _server(env: dict, port: int, log: Path):
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "60", "--error-logfile", "-",
             # Generated query strings run past gunicorn's 4 KiB request line, and its
             # HTML 414 would be a finding about gunicorn, not about the API.
             "--limit-request-line", "0"],
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"fuzz: gunicorn exited ({process.returncode}); see {log}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310 (loopback URL built here)
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise SystemExit("fuzz: gunicorn did not answer /healthz in 60 s") from None
                    time.sleep(0.5)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _schemathesis(args: argparse.Namespace, port: int, token: str, workdir: Path) -> tuple[int, Path]:
    report = workdir / "report.ndjson"
    examples = QUICK_EXAMPLES if args.quick else args.max_examples
    command = [
        str(BIN / "schemathesis"), "run", f"http://127.0.0.1:{port}/api/schema/?format=json",
        "--header", f"Authorization: Token {token}",
        "--header", "Accept-Language: en",
        "--checks", ",".join(CHECKS),
        "--max-examples", str(examples),
        "--phases", (QUICK_PHASES if args.quick else FULL_PHASES) + (",coverage" if args.coverage else ""),
        "--workers", args.workers,
        "--request-timeout", "30",
        # NUL in text is a case the API must refuse (config.parsers), so generate it.
        "--generation-allow-x00", "true",
        "--generation-database", "none",
        "--no-color",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    command += args.schemathesis_args
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(command, cwd=workdir, env=env, check=False)
    return completed.returncode, report


def _tally(report: Path) -> dict[str, int]:
    """Operations, cases, failures and server errors from schemathesis' event stream."""
    operations: set[str] = set()
    cases = 0
    failures: set[tuple] = set()
    server_errors: set[tuple] = set()
    errors = 0
    if not report.exists():
        return {"operations": 0, "cases": 0, "failures": 1, "server_errors": 0, "errors": 1}
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        for kind, body in event.items():
            if kind == "ScenarioFinished":
                recorder = body.get("recorder") or {}
                label = recorder.get("label")
                if label:
                    operations.add(label)
                cases += len(recorder.get("cases") or {})
                for check_list in (recorder.get("checks") or {}).values():
                    for check in check_list:
                        if check.get("status") != "failure":
                            continue
                        failure = check.get("failure_info") or {}
                        key = (label, check.get("name"), (failure.get("failure") or {}).get("title"),
                               (failure.get("failure") or {}).get("message"))
                        failures.add(key)
                        if check.get("name") == "not_a_server_error":
                            server_errors.add(key)
            elif kind == "NonFatalError":
                errors += 1
    return {
        "operations": len(operations),
        "cases": cases,
        "failures": len(failures),
        "server_errors": len(server_errors),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="campaignops-fuzz-"))
    (workdir / "var").mkdir()
    code = 1
    try:
        with _throwaway_database(workdir) as database_url:
            env = _server_environment(workdir, database_url)
            print("fuzz: migrate, seed_demo, token …", flush=True)
            token = _prepare(env, args.user)
            port = _free_port()
            with _server(env, port, workdir / "gunicorn.log"):
                print(f"fuzz: gunicorn on 127.0.0.1:{port}; schemathesis as {args.user}", flush=True)
                code, report = _schemathesis(args, port, token, workdir)
            tally = _tally(report)
            log = (workdir / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
            tracebacks = log.count("Traceback (most recent call last)")
            if tracebacks:
                print(f"fuzz: the server logged {tracebacks} traceback(s); the last:")
                print(log[log.rfind("Traceback (most recent call last)"):][:4000])
    finally:
        if args.keep:
            print(f"fuzz: kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    failed = code != 0 or tally["failures"] or tally["errors"]
    print(f"fuzz: {time.monotonic() - started:.0f} s, schemathesis exit code {code}, "
          f"{tally['errors']} error(s) that stopped an operation")
    print(f"RESULT operations={tally['operations']} cases={tally['cases']} "
          f"failures={tally['failures']} server_errors={tally['server_errors']}")
    return 1 if failed else 0


def _stop_on_terminate(signum, frame):
    # A CI timeout's SIGTERM unwinds like Ctrl-C: the server stops, the database is dropped.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    with suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
