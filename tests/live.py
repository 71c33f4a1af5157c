"""A real server for tests that need one: gunicorn on a free loopback port, stopped afterwards."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A gunicorn process serving the app on 127.0.0.1 with the given database."""

    def __init__(self, database_url: str, workers: int = 2, env: dict[str, str] | None = None,
                 port: int | None = None, log_path: Path | None = None) -> None:
        self.database_url = database_url
        self.workers = workers
        self.extra_env = env or {}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> LiveServer:
        env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_TEST_DATABASE_URL": self.database_url,
               "TRACKER_DATABASE_URL": self.database_url, **self.extra_env}
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "5", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def kill(self) -> None:
        """Kill the whole process group at once (SIGKILL), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop gunicorn and its workers; never leaves a process behind."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@contextlib.contextmanager
def live_server(database_url: str, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """Serve the app for the duration of a `with` block."""
    server = LiveServer(database_url, workers=workers, env=env).start()
    try:
        yield server
    finally:
        server.stop()


def put_json(url: str, secret: str, body: dict, timeout: float = 10) -> int | None:
    """The status of one PUT of a JSON body with a bearer token, or None when the server never answered."""
    return send_json("PUT", url, secret, body, timeout=timeout)


def send_json(method: str, url: str, secret: str, body: dict | list | None = None, timeout: float = 10) -> int | None:
    """The status of one request with a bearer token (and a JSON body), or None when the server never answered."""
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    data = json.dumps(body if body is not None else {}).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback test server
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, http.client.HTTPException):
        return None


def at_once(count: int, call: Callable[[], object], timeout: float = 120) -> list:
    """The results of `call` run in `count` threads that a barrier releases together."""
    barrier = threading.Barrier(count)

    def released(_index: int):
        barrier.wait(timeout=timeout)
        return call()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(released, range(count), timeout=timeout))


class Worker:
    """`flask --app wsgi worker` in a process of its own, on the given database and job storage."""

    def __init__(self, database_url: str, env: dict[str, str], log_path: Path | None = None) -> None:
        self.env = {**os.environ, "TRACKER_ENV": "development", "TRACKER_DATABASE_URL": database_url,
                    "TRACKER_SECRET_KEY": "test-secret-key-" + "x" * 32, "TRACKER_LOG_LEVEL": "WARNING", **env}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        if log is not subprocess.DEVNULL:
            log.close()  # the worker holds its own copy
        return self

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
