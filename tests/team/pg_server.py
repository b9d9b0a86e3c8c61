"""A throw-away PostgreSQL server from the distribution's package, for tests and benchmarks.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the ``postgres``
user, in a temporary folder of its own (pytest's folders are private to root). The server
listens on a free loopback port only, with password (SCRAM) authentication, and is stopped
by :meth:`TestServer.stop` (the fixture calls it also when the session fails).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class Unavailable(Exception):
    """PostgreSQL cannot be had on this machine; the message says why."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: Debian's versioned folders (newest
    first), then ``pg_ctl`` on PATH, then what ``pg_config --bindir`` says."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    if shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
            candidates.append(out.stdout.strip())
    for folder in candidates:
        if (Path(folder) / "pg_ctl").is_file() and (Path(folder) / "initdb").is_file():
            return Path(folder)
    raise Unavailable("PostgreSQL's initdb and pg_ctl were not found (install Debian's 'postgresql').")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class TestServer:
    __test__ = False  # not a test class, whatever its name

    bindir: Path
    folder: Path
    port: int
    password: str
    user: str | None  # the OS user the server runs as (None: this process's user)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        secret = self.password if password is None and user == "postgres" else password
        auth = f"{user}:{secret}" if secret else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.user,
            cwd=self.folder,
            check=False,
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
            " -c shared_buffers=32MB"
        )
        result = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "start"
        )
        if result.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace") if (self.folder / "log").exists() else ""
            raise Unavailable(
                f"pg_ctl start failed: {result.stderr.strip() or result.stdout.strip()} {log[-500:]}"
            )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> TestServer:
    """initdb in a new temporary folder, then start the server; raises :class:`Unavailable`."""
    bindir = find_bindir()
    user: str | None = None
    folder = Path(tempfile.mkdtemp(prefix="mwms-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise Unavailable("running as root and there is no 'postgres' user to run the server as") from exc
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        user = "postgres"
    password = secrets.token_hex(12)
    server = TestServer(bindir, folder, free_port(), password, user)
    try:
        pwfile = folder / "pw"
        pwfile.write_text(password + "\n")
        if user is not None:
            os.chown(pwfile, pwd.getpwnam(user).pw_uid, -1)
        result = server._run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            "postgres",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            f"--pwfile={pwfile}",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise Unavailable(f"initdb failed: {result.stderr.strip()[-500:]}")
        for attempt in range(3):
            try:
                server.start()
                break
            except Unavailable:
                if attempt == 2:
                    raise
                server.port = free_port()  # another process took the port meanwhile
    except BaseException:
        server.stop()
        server.remove()
        raise
    return server
