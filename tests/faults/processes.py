"""Real processes for the fault tests: a Redis of their own, Celery workers, a shared database.

Redis: a ``redis-server`` on a free port, without persistence (a restart comes
back empty, as a crashed Redis without AOF does), killed and started again at
will; the machine's Redis on 6379 is never touched.

Workers: ``celery -A config worker`` processes with the production settings,
pointed at that Redis and at the database this (transactional) test wrote: on
SQLite a file copy of the test database, on PostgreSQL the test database itself.
What the workers did is read back with plain SQL from the same place.

Messages are sent by a bare Celery app on that Redis (this process's own app is
eager and may be on another broker), as beat would send them.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, every: float = 0.05,
             what: str = "the condition") -> object:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class RedisServer:
    """A ``redis-server`` of the test's own, on a free port, in memory only."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.log = folder / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(self._answers, timeout=15, what=f"redis-server on port {self.port}")

    def kill(self) -> None:
        """Gone at once, as a crashed Redis: SIGKILL, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not self._answers(), timeout=5, what="redis-server to stop answering")


class SharedDatabase:
    """The database this test wrote, as separate processes (workers, a web process) see it."""

    def __init__(self, folder: Path) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            # The test database is in memory: copy it to a file the others open.
            self.file = folder / "shared.sqlite3"
            with sqlite3.connect(self.file) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{self.file}"
        else:
            db = connection.settings_dict
            credentials = db["USER"] + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
            host = db["HOST"] or "127.0.0.1"
            self.url = f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """``sql`` (``%s`` placeholders) run where the other processes write."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=20) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def value(self, sql: str, params: tuple = ()) -> object:
        return self.rows(sql, params)[0][0]


def process_env(folder: Path, database: SharedDatabase, redis: RedisServer, **extra: str) -> dict:
    """The environment of a production process on the shared database and the test's Redis."""
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "EMBEDDED": "true",
        "VAR_DIR": str(folder / "var"), "DATABASE_URL": database.url, "REDIS_URL": redis.url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT), "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    env.update(extra)
    return env


class Workers:
    """Celery worker processes (one task at a time each), started, killed and restarted."""

    def __init__(self, folder: Path, env: dict) -> None:
        self.env = env
        self.log = folder / "workers.log"
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default",
             "--pool", "solo", "--concurrency", "1", "--loglevel", "WARNING",
             "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL: no handler runs, nothing is acknowledged or recorded."""
        process = self.running.pop(name)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.running.clear()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Beat:
    """Sends task messages to the test's Redis by name, as beat does."""

    def __init__(self, redis: RedisServer) -> None:
        self.app = Celery("faults-beat", broker=redis.url, set_as_current=False)
        self.app.conf.broker_connection_retry_on_startup = False

    def send(self, task: str, *args: object) -> None:
        self.app.send_task(task, args=list(args), queue="default")

    def close(self) -> None:
        self.app.close()
