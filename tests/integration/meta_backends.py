"""Throwaway PostgreSQL and Redis servers for the integration tests, and the
backend matrix the run was asked for.

  STRATA_TEST_META=sqlite|postgres   metadata backend of every server the
                                     fixtures start (default sqlite: the
                                     server's own DIR/meta/strata.db)
  STRATA_TEST_CACHE=redis            put a Redis cache in front (default none)

With postgres, one PostgreSQL cluster runs per pytest process (initdb
--locale=C -E UTF8, -A trust, 127.0.0.1 on a free port, its Unix socket and
data in a temporary folder, on /dev/shm when there is one, fsync off) and
every Strata server gets a database of its own. With redis, one redis-server
runs per pytest process and every Strata server gets a database number of
its own (redis://127.0.0.1:P/N). Tests that stop or kill PostgreSQL or Redis
start private instances (PostgresServer(), RedisServer()) so nothing else
sees the fault.

As root (CI), PostgreSQL runs as the `postgres` user through runuser: initdb
refuses to run as root (TESTING.md). Servers left behind by a pytest process
that died (kill -9) are stopped and removed by the next one that starts a
server of the same kind.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

META = os.environ.get("STRATA_TEST_META", "sqlite") or "sqlite"
CACHE = os.environ.get("STRATA_TEST_CACHE", "")

if META not in ("sqlite", "postgres"):
    raise RuntimeError(f"STRATA_TEST_META must be sqlite or postgres, not {META!r}")
if CACHE not in ("", "redis"):
    raise RuntimeError(f"STRATA_TEST_CACHE must be redis or unset, not {CACHE!r}")

OWNER_FILE = "owner.pid"
START_TIMEOUT = 60.0


def describe() -> str:
    """The matrix cell of this run, e.g. "postgres+redis"."""
    return META + (f"+{CACHE}" if CACHE else "")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _base_dir() -> Path:
    """/dev/shm (a tmpfs: a cluster's files cost nothing to write) when it is
    there, else the temporary directory."""
    if os.access("/dev/shm", os.W_OK | os.X_OK):
        return Path("/dev/shm")
    return Path(tempfile.gettempdir())


def _make_dir(stem: str, owner: pwd.struct_passwd | None) -> Path:
    d = Path(tempfile.mkdtemp(prefix=f"{stem}-", dir=_base_dir()))
    (d / OWNER_FILE).write_text(f"{os.getpid()}\n")
    if owner is not None:
        os.chown(d, owner.pw_uid, owner.pw_gid)
    return d


def _owner_dead(d: Path) -> bool:
    try:
        pid = int((d / OWNER_FILE).read_text().strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
        return False
    except ProcessLookupError:
        return True
    except PermissionError:
        return False


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

def _pg_bin_dir() -> Path | None:
    """$STRATA_PG_BINDIR, else the newest /usr/lib/postgresql/N/bin (Debian
    keeps them off PATH), else None (search PATH)."""
    env = os.environ.get("STRATA_PG_BINDIR")
    if env:
        return Path(env)
    best, best_version = None, -1
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        for d in root.iterdir():
            try:
                version = int(d.name.split(".")[0])
            except ValueError:
                continue
            if version > best_version and (d / "bin" / "initdb").is_file():
                best, best_version = d / "bin", version
    return best


def _pg_program(name: str) -> str:
    d = _pg_bin_dir()
    return str(d / name) if d else name


def _pg_account() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as: `postgres` when we are root, else us."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root, but there is no 'postgres' user to run "
                           "PostgreSQL as (apt-get install postgresql creates it)") from None


class PostgresServer:
    """One PostgreSQL cluster on 127.0.0.1:<free port>, in its own folder.

    CREATE DATABASE gives each Strata server a database of its own;
    stop()/start() (or restart()) keep the port and the data; close() stops
    it and removes the folder."""

    STEM = "strata-pytest-pg"

    def __init__(self, *, durable_commits: bool = False):
        """durable_commits: COMMIT returns only after its WAL record reached
        the OS (synchronous_commit=on), so a crash of PostgreSQL (stop
        "immediate") loses no acknowledged transaction. Off by default: the
        suite's servers are never crashed, and synchronous_commit=off is
        faster. fsync stays off either way (the OS outlives a PostgreSQL
        crash)."""
        self.durable_commits = durable_commits
        self.account = _pg_account()
        self.dir: Path | None = None
        self.port = 0
        self._databases = 0
        self._lock = threading.Lock()

    # -- processes ---------------------------------------------------------
    def _run(self, argv, *, log_name="pg_ctl.log", check=True, timeout=120):
        if self.account is not None:
            argv = ["runuser", "-u", self.account.pw_name, "--", *argv]
        with open(self.dir / log_name, "ab") as log:
            proc = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                               f"{self.log_tail(log_name)}\n{self.log_tail('postgres.log')}")
        return proc.returncode

    def log_tail(self, name="postgres.log", size=3000) -> str:
        try:
            text = (self.dir / name).read_text(errors="replace")
        except OSError:
            return f"(no {name})"
        return text[-size:]

    @property
    def data(self) -> Path:
        return self.dir / "data"

    def init(self):
        _reap(self.STEM, self._remove_dir)
        self.dir = _make_dir(self.STEM, self.account)
        # Byte-order text, as Strata requires (docs/metadata-postgres.md).
        self._run([_pg_program("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                   "--locale=C", "-E", "UTF8", "--no-sync"], log_name="initdb.log")
        _REGISTRY.append(self)
        return self

    def start(self):
        if self.dir is None:
            self.init()
        last = None
        # A free port may be taken between finding it and binding it.
        for _ in range(5 if self.port == 0 else 1):
            port = self.port or _free_port()
            synchronous = "on" if self.durable_commits else "off"
            options = (f"-k {self.dir} -h 127.0.0.1 -p {port} -F -c max_connections=400 "
                       f"-c full_page_writes=off -c synchronous_commit={synchronous} "
                       "-c shared_buffers=32MB")
            rc = self._run([_pg_program("pg_ctl"), "-D", str(self.data), "-l",
                            str(self.dir / "postgres.log"), "-w", "-t", "60", "-o", options,
                            "start"], check=False)
            if rc == 0:
                self.port = port
                return self
            last = self.log_tail()
        raise RuntimeError(f"PostgreSQL did not start:\n{last}")

    def stop(self, mode: str = "fast"):
        """pg_ctl stop -m fast (sessions are ended, clean shutdown) or
        immediate (like a crash: recovery at the next start)."""
        if self.dir is None or not (self.data / "postmaster.pid").exists():
            return
        self._run([_pg_program("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
                  check=False)

    def restart(self, mode: str = "fast"):
        self.stop(mode)
        return self.start()

    def close(self):
        if self.dir is None:
            return
        self.stop("immediate")
        self._remove_dir(self.dir)
        self.dir = None
        if self in _REGISTRY:
            _REGISTRY.remove(self)

    def _remove_dir(self, d: Path):
        pid_file = d / "data" / "postmaster.pid"
        if pid_file.exists():
            try:
                self._run_in(d, [_pg_program("pg_ctl"), "-D", str(d / "data"), "-m", "immediate",
                                 "-w", "stop"])
            except Exception:  # noqa: BLE001 - best effort, then SIGKILL
                pass
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
        shutil.rmtree(d, ignore_errors=True)

    def _run_in(self, d: Path, argv):
        saved, self.dir = self.dir, d
        try:
            self._run(argv, check=False, timeout=60)
        finally:
            self.dir = saved

    # -- databases -----------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def connect(self, database: str = "postgres"):
        import psycopg2  # Debian's python3-psycopg2 (scripts/install-deps.sh)
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                dbname=database, connect_timeout=10)
        conn.autocommit = True
        return conn

    def query(self, database: str, sql: str, params=()) -> list[dict]:
        """Rows as dicts; BYTEA values as bytes (as sqlite3 gives BLOBs)."""
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                if cur.description is None:
                    return []
                names = [c.name for c in cur.description]
                return [{n: (bytes(v) if isinstance(v, memoryview) else v)
                         for n, v in zip(names, row)} for row in cur.fetchall()]
        finally:
            conn.close()

    def create_database(self, prefix: str = "strata") -> str:
        """A new empty database (C collation, UTF8: the cluster's defaults,
        from template0) and its name."""
        with self._lock:
            self._databases += 1
            name = f"{prefix}{self._databases}"
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        finally:
            conn.close()
        return name


# --------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------

def redis_command(port: int, *args: str, timeout: float = 5.0):
    """One RESP command over a fresh connection; the reply decoded to str,
    int, list or None. (No redis-py needed.)"""
    out = b"*%d\r\n" % len(args) + b"".join(
        b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(out)
        f = s.makefile("rb")
        return _read_reply(f)


def _read_reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(f"redis error: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode(errors="replace")
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read_reply(f) for _ in range(n)]
    raise RuntimeError(f"unexpected redis reply {line!r}")


class RedisServer:
    """One redis-server on 127.0.0.1:<free port>, no persistence, in its own
    folder. db() hands out database numbers, one per Strata server."""

    STEM = "strata-pytest-redis"
    DATABASES = 4096

    def __init__(self):
        self.dir: Path | None = None
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self._next_db = 0
        self._lock = threading.Lock()

    def start(self):
        if self.dir is None:
            _reap(self.STEM, _remove_redis_dir)
            self.dir = _make_dir(self.STEM, None)
            _REGISTRY.append(self)
        for _ in range(5 if self.port == 0 else 1):
            port = self.port or _free_port()
            log = open(self.dir / "redis.log", "ab")
            self.proc = subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                 "--appendonly", "no", "--dir", str(self.dir), "--databases",
                 str(self.DATABASES), "--pidfile", str(self.dir / "redis.pid")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
            log.close()
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if redis_command(port, "PING", timeout=1) == "PONG":
                        self.port = port
                        return self
                except OSError:
                    pass
                time.sleep(0.02)
            self._terminate(signal.SIGKILL)
        raise RuntimeError(f"redis-server did not start:\n{self.log_tail()}")

    def log_tail(self, size=3000) -> str:
        try:
            return (self.dir / "redis.log").read_text(errors="replace")[-size:]
        except OSError:
            return "(no redis.log)"

    def _terminate(self, sig):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=15)

    def stop(self):
        self._terminate(signal.SIGTERM)

    def kill(self):
        """SIGKILL: Redis gone at once, as a crash (its data is lost: no
        persistence)."""
        self._terminate(signal.SIGKILL)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self):
        self.kill()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        if self in _REGISTRY:
            _REGISTRY.remove(self)

    def db(self) -> int:
        with self._lock:
            self._next_db += 1
            if self._next_db >= self.DATABASES:
                raise RuntimeError("out of Redis database numbers")
            return self._next_db

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def _remove_redis_dir(d: Path):
    try:
        pid = int((d / "redis.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass
    shutil.rmtree(d, ignore_errors=True)


def _reap(stem: str, remove):
    """Folders of servers whose pytest process is gone."""
    base = _base_dir()
    for d in base.glob(f"{stem}-*"):
        if d.is_dir() and _owner_dead(d):
            remove(d)


# --------------------------------------------------------------------------
# The shared instances of this run
# --------------------------------------------------------------------------

_REGISTRY: list = []
_SHARED: dict = {}
_SHARED_LOCK = threading.Lock()


def shared_postgres() -> PostgresServer:
    with _SHARED_LOCK:
        if "pg" not in _SHARED:
            _SHARED["pg"] = PostgresServer().start()
        return _SHARED["pg"]


def shared_redis() -> RedisServer:
    with _SHARED_LOCK:
        if "redis" not in _SHARED:
            _SHARED["redis"] = RedisServer().start()
        return _SHARED["redis"]


def new_meta_url() -> str | None:
    """The --meta URL for a new Strata server in this run: None (the default
    SQLite file) or a fresh PostgreSQL database."""
    if META != "postgres":
        return None
    pg = shared_postgres()
    return pg.url(pg.create_database())


def new_cache_url() -> str | None:
    """The --cache URL for a new Strata server: None, or a Redis database
    number of its own."""
    if CACHE != "redis":
        return None
    redis = shared_redis()
    return redis.url(redis.db())


def close_all():
    for server in list(reversed(_REGISTRY)):
        try:
            server.close()
        except Exception:  # noqa: BLE001 - at exit, keep closing the rest
            pass
    _SHARED.clear()


atexit.register(close_all)
