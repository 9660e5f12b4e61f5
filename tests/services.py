"""Private, throwaway instances of the real services the tests talk to.

Each runs on a free loopback port in a temporary directory and is killed at the end. PostgreSQL
refuses to run as root, so when the tests run as root its tools run as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wargame.realtime.serving import UVICORN_WEBSOCKET_OPTIONS

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTALL_HINT = "Run `make setup` (as root it installs them), or: apt-get install -y {packages}"


class ServiceUnavailableError(RuntimeError):
    """A service binary is missing or the service did not come up; the message says what to do."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, timeout: float, process: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServiceUnavailableError(f"exited with {process.returncode} during start-up")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise ServiceUnavailableError(f"nothing listened on port {port} within {timeout} s")


def _require(binary: str, package: str) -> str:
    path = shutil.which(binary)
    if path is None:
        hint = INSTALL_HINT.format(packages=package)
        raise ServiceUnavailableError(f"`{binary}` not found. {hint}")
    return path


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    directory: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    def start(cls, port: int | None = None) -> RedisServer:
        binary = _require("redis-server", "redis-server")
        directory = Path(tempfile.mkdtemp(prefix="wargame-redis-"))
        port = port or free_port()
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
                "--logfile",
                str(directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = cls(port=port, process=process, directory=directory)
        try:
            wait_for_port(port, timeout=10, process=process)
        except ServiceUnavailableError:
            server.kill()
            raise
        return server

    def kill(self) -> None:
        """``kill -9``: what the reliability tests do to it on purpose."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)


def _postgres_bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if bindir and (Path(bindir) / "initdb").exists():
            return Path(bindir)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServiceUnavailableError(
        "PostgreSQL's initdb not found. " + INSTALL_HINT.format(packages="postgresql")
    )


@dataclass
class PostgresServer:
    port: int
    directory: Path
    bindir: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def _as_owner() -> list[str]:
        # initdb and pg_ctl refuse to run as root: run them as the postgres user instead.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"]
        return []

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *self._as_owner(),
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                *args,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = _postgres_bindir()
        directory = Path(tempfile.mkdtemp(prefix="wargame-pg-"))
        if os.geteuid() == 0:
            shutil.chown(directory, user="postgres", group="postgres")
        server = cls(port=free_port(), directory=directory, bindir=bindir)
        init = subprocess.run(
            [
                *cls._as_owner(),
                str(bindir / "initdb"),
                "-D",
                str(directory / "data"),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if init.returncode != 0:
            raise ServiceUnavailableError(f"initdb failed: {init.stderr.strip()}")
        server.resume()
        return server

    def resume(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        started = self._pg_ctl(
            "-o", options, "-l", str(self.directory / "postgres.log"), "-w", "start"
        )
        if started.returncode != 0:
            log = (self.directory / "postgres.log").read_text(errors="replace")[-2000:]
            raise ServiceUnavailableError(f"pg_ctl start failed: {started.stderr.strip()}\n{log}")

    def crash(self) -> None:
        """Stop at once, as a crash would (no checkpoint, connections cut)."""
        self._pg_ctl("-m", "immediate", "stop")

    def stop(self) -> None:
        self.crash()
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class CeleryWorker:
    process: subprocess.Popen[bytes]
    log_path: Path
    env: Mapping[str, str]

    @classmethod
    def start(cls, env: Mapping[str, str], *, beat: bool = False) -> CeleryWorker:
        log_dir = Path(tempfile.mkdtemp(prefix="wargame-celery-"))
        log_path = log_dir / "worker.log"
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wargame",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ]
        if beat:
            argv += ["-B", "--schedule", str(log_dir / "beat-schedule")]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                argv,
                cwd=PROJECT_DIR,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(process=process, log_path=log_path, env=dict(env))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def uvicorn_argv(port: int) -> list[str]:
    """The product's ASGI server as production runs it, quiet, on a loopback port."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "wargame.asgi:application",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        *UVICORN_WEBSOCKET_OPTIONS,
    ]


@contextlib.contextmanager
def running(
    process_argv: list[str],
    *,
    env: Mapping[str, str],
    port: int,
    timeout: float = 60,
    log_path: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process from the project directory until the block ends; its output goes
    to ``log_path`` when given (to read after it ends), else to a file that goes with it."""
    log = log_path.open("w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        process_argv,
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        try:
            wait_for_port(port, timeout=timeout, process=process)
        except ServiceUnavailableError as exc:
            log.seek(0)
            raise ServiceUnavailableError(f"{exc}\n{log.read().decode(errors='replace')}") from exc
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()
