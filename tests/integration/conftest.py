"""Fixtures for the Strata integration tests.

One Strata server per test session (random loopback port, its own temp dir,
random root credentials), started on first use and killed at the end; a
fresh bucket per test; a TLS-enabled server and a server reporting another
region, each started only if a test asks for it.

Environment:
  STRATA_BIN               server binary (default <repo>/build/src/app/strata)
  STRATA_REQUIRE_BINARY=1  fail instead of skip when the binary or a client tool is missing
  STRATA_TEST_META         sqlite (default) or postgres: the metadata backend of
                           every server started here (meta_backends.py)
  STRATA_TEST_CACHE        redis: a Redis cache in front of it (default none)
"""

from __future__ import annotations

import atexit
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import meta_backends  # noqa: E402
from strata_helpers import (TLS_VHOST_BUCKETS, empty_and_delete_bucket,  # noqa: E402
                            unique_bucket_name)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / "build" / "src" / "app" / "strata"
REGION = "us-east-1"
STARTUP_TIMEOUT = 30.0


# --------------------------------------------------------------------------
# *.localhost resolves to 127.0.0.1 in this process (glibc does not do it,
# curl does). Needed for virtual-host-style requests: bucket.localhost:PORT.
# --------------------------------------------------------------------------
_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    h = host.decode() if isinstance(host, bytes) else host
    if isinstance(h, str) and h.lower().rstrip(".").endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo


def strata_bin() -> Path:
    return Path(os.environ.get("STRATA_BIN", str(DEFAULT_BIN)))


def random_access_key() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "AK" + "".join(secrets.choice(alphabet) for _ in range(18))


def random_secret_key() -> str:
    # Like AWS secrets: 40 characters including '+' and '/'.
    alphabet = string.ascii_letters + string.digits + "+/"
    return "".join(secrets.choice(alphabet) for _ in range(40))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_RUNNING: list["StrataServer"] = []


class StrataServer:
    """One `strata server` process on 127.0.0.1:<random port>."""

    def __init__(self, root: Path, name: str = "main", *, tls: bool = False,
                 domain: str | None = "localhost", region: str | None = None,
                 tls_names: tuple[str, ...] = (), extra_args: tuple[str, ...] = (),
                 meta_url: str | None = None, cache_url: str | None = None,
                 env: dict | None = None):
        self.root = Path(root)
        self.name = name
        self.tls = tls
        self.domain = domain
        self.region = region or REGION
        self.explicit_region = region
        self.tls_names = tls_names
        # More `strata server` flags (--chunker, --gc-grace, ...), before DIR.
        self.extra_args = tuple(str(a) for a in extra_args)
        # --meta and --cache. None: what the run's backend matrix cell asks
        # for (meta_backends.py), chosen at the first start and kept across
        # restarts: a PostgreSQL database / Redis db number of its own, or
        # the default DIR/meta/strata.db and no cache.
        self.meta_url = meta_url
        self.cache_url = cache_url
        self._backend_chosen = meta_url is not None or cache_url is not None
        # More environment variables for the server (STRATA_MASTER_KEY, ...).
        self.env = dict(env or {})
        self.data_dir = self.root / "data"
        self.log_path = self.root / "server.log"
        self.access_key = random_access_key()
        self.secret_key = random_secret_key()
        self.port = None
        self.proc = None
        self.ca_file = None
        self.cert_file = None
        self.key_file = None

    # -- addresses ---------------------------------------------------------
    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def endpoint(self) -> str:
        """Path-style endpoint: http(s)://127.0.0.1:PORT"""
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def http_endpoint(self) -> str:
        """Plain HTTP on the same port (also served when TLS is on)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def vhost_endpoint(self) -> str:
        """Endpoint for virtual-host style: botocore puts the bucket in front."""
        return f"{self.scheme}://{self.domain or 'localhost'}:{self.port}"

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    # -- lifecycle -----------------------------------------------------------
    def _make_cert(self):
        names = ["localhost", *[f"{b}.localhost" for b in self.tls_names]]
        san = ",".join([f"DNS:{n}" for n in names] + ["IP:127.0.0.1"])
        self.cert_file = self.root / "cert.pem"
        self.key_file = self.root / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", str(self.key_file), "-out", str(self.cert_file),
             "-days", "2", "-subj", "/CN=localhost",
             "-addext", f"subjectAltName={san}"],
            check=True, capture_output=True, timeout=60)
        self.ca_file = str(self.cert_file)

    def command(self) -> list[str]:
        cmd = [str(strata_bin()), "server", "--address", self.host_port]
        if self.domain:
            cmd += ["--domain", self.domain]
        if self.explicit_region:
            cmd += ["--region", self.explicit_region]
        if self.tls:
            cmd += ["--tls-cert", str(self.cert_file), "--tls-key", str(self.key_file)]
        if self.meta_url:
            cmd += ["--meta", self.meta_url]
        if self.cache_url:
            cmd += ["--cache", self.cache_url]
        cmd += list(self.extra_args)
        cmd.append(str(self.data_dir))
        return cmd

    def start(self):
        self.root.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.tls:
            self._make_cert()
        if not self._backend_chosen:
            self.meta_url = meta_backends.new_meta_url()
            self.cache_url = meta_backends.new_cache_url()
            self._backend_chosen = True
        env = dict(os.environ)
        env["STRATA_ROOT_USER"] = self.access_key
        env["STRATA_ROOT_PASSWORD"] = self.secret_key
        env.update(self.env)
        last_error = None
        for _attempt in range(3):
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                log.write(f"\n=== start: {' '.join(self.command())}\n".encode())
                log.flush()
                self.proc = subprocess.Popen(
                    self.command(), stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, env=env, cwd=str(self.root),
                    start_new_session=True)
            if self not in _RUNNING:
                _RUNNING.append(self)
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:  # exited early: maybe the port was taken
                last_error = e
                self.stop()
        raise RuntimeError(f"strata server ({self.name}) did not start: {last_error}\n"
                           f"--- log tail ---\n{self.log_tail()}")

    def _wait_ready(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        url = f"{self.endpoint}/_strata/health/live"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with status {self.proc.returncode}")
            try:
                r = requests.get(url, timeout=2, verify=self.ca_file or True)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(
            f"strata server ({self.name}) not live after {STARTUP_TIMEOUT:.0f} s "
            f"at {url}\n--- log tail ---\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
            except ProcessLookupError:
                pass
        if self in _RUNNING:
            _RUNNING.remove(self)

    def kill(self):
        """SIGKILL, as a crash: no shutdown code runs. The data folder stays."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=15)
        if self in _RUNNING:
            _RUNNING.remove(self)

    def restart(self, *, crash: bool = False):
        """Stop (SIGTERM, or SIGKILL with crash=True) and start again on the
        same data folder and credentials. The port may change: take clients
        (server.client()) again afterwards."""
        if crash:
            self.kill()
        else:
            self.stop()
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== restart (previous exit status {self.proc.returncode})\n".encode())
        return self.start()

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    # -- clients -------------------------------------------------------------
    def client(self, style: str = "path", *, access_key: str | None = None,
               secret_key: str | None = None, region: str | None = None,
               endpoint: str | None = None, verify=None, **config_kwargs):
        """A boto3 S3 client: SigV4, retries disabled, path or virtual style."""
        s3cfg = dict(config_kwargs.pop("s3", {}))
        s3cfg["addressing_style"] = style
        cfg = Config(signature_version="s3v4", retries={"max_attempts": 1},
                     s3=s3cfg, connect_timeout=10, read_timeout=120,
                     **config_kwargs)
        if endpoint is None:
            endpoint = self.vhost_endpoint if style == "virtual" else self.endpoint
        if verify is None:
            verify = self.ca_file if self.tls else None
        session = boto3.session.Session()
        return session.client(
            "s3", endpoint_url=endpoint,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            region_name=region or self.region, config=cfg, verify=verify)


def _kill_all():
    for s in list(_RUNNING):
        s.stop()


atexit.register(_kill_all)


def _require_binary():
    b = strata_bin()
    if not (b.is_file() and os.access(b, os.X_OK)):
        msg = f"strata binary not found at {b} (set STRATA_BIN or build it)"
        if os.environ.get("STRATA_REQUIRE_BINARY") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


def _start(tmp_path_factory, name, *, extra_args=(), **kwargs) -> StrataServer:
    """Start a server of its own in a fresh temporary folder. extra_args are
    more `strata server` flags, e.g. ("--chunker", "fastcdc")."""
    _require_binary()
    root = tmp_path_factory.mktemp(f"strata-{name}")
    server = StrataServer(root, name, extra_args=extra_args, **kwargs)
    server.start()
    return server


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def strata(tmp_path_factory):
    """The shared server: plain HTTP, --domain localhost, region us-east-1."""
    server = _start(tmp_path_factory, "main", domain="localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_strata(tmp_path_factory):
    """A second server with TLS on (self-signed cert from openssl)."""
    server = _start(tmp_path_factory, "tls", tls=True, domain="localhost",
                    tls_names=TLS_VHOST_BUCKETS)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def region_strata(tmp_path_factory):
    """A server that reports region eu-west-3."""
    server = _start(tmp_path_factory, "region", domain="localhost", region="eu-west-3")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3(strata):
    """Path-style boto3 client with the root credentials."""
    return strata.client("path")


@pytest.fixture(scope="session")
def s3_vhost(strata):
    """Virtual-host-style boto3 client (bucket.localhost:PORT)."""
    return strata.client("virtual")


@pytest.fixture
def make_client(strata):
    """Factory for a fresh client (use when registering event hooks)."""
    return strata.client


@pytest.fixture
def bucket_name(request):
    """A unique, not yet created, valid bucket name."""
    return unique_bucket_name(request.node.name.replace("test_", "", 1))


@pytest.fixture
def bucket(s3, bucket_name):
    """A fresh, empty bucket on the shared server; removed afterwards."""
    s3.create_bucket(Bucket=bucket_name)
    yield bucket_name
    empty_and_delete_bucket(s3, bucket_name)


@pytest.fixture
def bucket2(s3, request):
    name = unique_bucket_name("second-" + request.node.name.replace("test_", "", 1))
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3, name)


@pytest.fixture
def clean_env(tmp_path):
    """Environment for external tools: nothing AWS-related from the machine."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "RCLONE_", "PYTHON", "S3CMD"))}
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


# --------------------------------------------------------------------------
# The backend matrix cell in the report header; everything stopped at the end.
# --------------------------------------------------------------------------

def pytest_report_header(config):
    return f"strata metadata backend: {meta_backends.describe()}"


def pytest_sessionfinish(session, exitstatus):
    _kill_all()
    meta_backends.close_all()


# --------------------------------------------------------------------------
# On failure, show the tail of every running server's log.
# --------------------------------------------------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in list(_RUNNING):
            state = "running" if server.alive() else f"EXITED ({server.proc.returncode})"
            report.sections.append(
                (f"strata server '{server.name}' log tail ({state}, {server.log_path})",
                 server.log_tail()))
