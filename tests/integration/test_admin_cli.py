"""`strata admin` (the command line over the admin API, docs/admin-api.md)
against a real server: login as root, users, access keys (one used with
boto3), policies from a file (a read-only user can GET but not PUT), groups,
logout, the session file (mode 0600, refreshed transparently when the access
token has expired or is refused), and the errors a user sees.

The tests share one server of their own (module scope), so the failed-login
limits they trip cannot lock out other test files' logins from 127.0.0.1.
Every command runs in a new session without a controlling terminal, so a
password prompt fails instead of waiting for a keyboard.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import _start, free_port, strata_bin
from strata_helpers import empty_and_delete_bucket, unique_bucket_name

TIMEOUT = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = _start(tmp_path_factory, "admin-cli")
    yield s
    s.stop()


def unique(hint: str) -> str:
    return f"{hint}-{uuid.uuid4().hex[:8]}"


class Cli:
    """Runs `strata admin` with a session file of its own under tmp."""

    def __init__(self, server, tmp: Path, name: str = "cli"):
        self.server = server
        self.home = tmp / f"{name}-home"
        self.home.mkdir(parents=True, exist_ok=True)
        # Below a directory that does not exist yet: the CLI creates it.
        self.config = self.home / "conf" / "strata" / "session.json"

    def env(self, extra=None) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "STRATA_"))}
        env["HOME"] = str(self.home)
        env["STRATA_CONFIG"] = str(self.config)
        env.update(extra or {})
        return env

    def run(self, *args, env=None, stdin_text=None) -> subprocess.CompletedProcess:
        cmd = [str(strata_bin()), "admin", *args]
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT, env=self.env(env),
            input=stdin_text, stdin=None if stdin_text is not None else subprocess.DEVNULL,
            start_new_session=True)

    def ok(self, *args, **kwargs) -> str:
        p = self.run(*args, **kwargs)
        assert p.returncode == 0, f"{args}: exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
        return p.stdout

    def json(self, *args, **kwargs):
        out = self.ok(*args, "--json", **kwargs)
        return json.loads(out)

    def fails(self, *args, code=1, **kwargs) -> str:
        p = self.run(*args, **kwargs)
        assert p.returncode == code, f"{args}: exit {p.returncode}, wanted {code}\n" \
                                     f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}"
        return p.stderr

    def login(self, user=None, password=None):
        user = user or self.server.access_key
        password = password or self.server.secret_key
        return self.ok("--endpoint", self.server.endpoint, "login", "--user", user,
                       env={"STRATA_PASSWORD": password})

    def session(self) -> dict:
        return json.loads(self.config.read_text())

    def write_session(self, **changes):
        s = self.session()
        s.update(changes)
        self.config.write_text(json.dumps(s))


@pytest.fixture
def cli(server, tmp_path):
    return Cli(server, tmp_path)


@pytest.fixture
def root(server, tmp_path):
    """A Cli logged in as root."""
    c = Cli(server, tmp_path, "root")
    c.login()
    return c


@pytest.fixture
def bucket(server):
    s3 = server.client()
    name = unique_bucket_name("admin-cli")
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3, name)


def keys_of(cli: Cli, user: str):
    return {k["access_key"]: k for k in cli.json("key", "ls", "--user", user)["keys"]}


# --------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------

def test_login_as_root_then_whoami(server, cli):
    out = cli.login()
    assert server.endpoint in out
    assert server.secret_key not in out

    # The session file: private, in a private directory the CLI created.
    assert stat.S_IMODE(cli.config.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.config.parent.stat().st_mode) == 0o700
    s = cli.session()
    assert set(s) >= {"endpoint", "user", "access_token", "refresh_token", "access_expires_at"}
    assert s["endpoint"] == server.endpoint
    assert s["user"] == server.access_key
    assert s["access_token"].startswith("eyJ")
    assert server.secret_key not in cli.config.read_text()
    assert not [p for p in cli.config.parent.iterdir() if ".tmp" in p.name]

    me = cli.json("whoami")
    assert me["root"] is True
    assert me["access_key"] == ""  # a bearer token, not a signature
    text = cli.ok("whoami")
    assert "root:" in text and "yes" in text

    # --endpoint now comes from the session file; --json may come anywhere.
    assert cli.json("whoami")["root"] is True
    assert json.loads(cli.ok("--json", "whoami"))["root"] is True


def test_login_json_output_holds_no_token(server, cli):
    p = cli.run("--endpoint", server.endpoint, "--json", "login", "--user", server.access_key,
                env={"STRATA_PASSWORD": server.secret_key})
    assert p.returncode == 0, p.stderr
    answer = json.loads(p.stdout)
    assert answer["user"] == server.access_key
    assert answer["session_file"] == str(cli.config)
    s = cli.session()
    assert s["access_token"] not in p.stdout and s["refresh_token"] not in p.stdout


def test_wrong_password_is_access_denied(server, cli):
    p = cli.run("--endpoint", server.endpoint, "login", "--user", server.access_key,
                env={"STRATA_PASSWORD": "not-the-secret"})
    assert p.returncode == 1
    assert p.stderr.startswith("strata admin: AccessDenied: ")
    assert "not-the-secret" not in p.stderr
    assert not cli.config.exists()


def test_login_without_password_or_terminal_is_a_usage_error(server, cli):
    err = cli.fails("--endpoint", server.endpoint, "login", "--user", server.access_key, code=2)
    assert "STRATA_PASSWORD" in err


def test_logout_then_commands_ask_for_login(root):
    old = root.session()
    out = root.ok("logout")
    assert "logged out" in out
    assert not root.config.exists()
    err = root.fails("user", "ls")
    assert "strata admin login" in err
    err = root.fails("whoami")
    assert "strata admin login" in err
    # The session family is revoked on the server: the refresh token is dead.
    root.config.parent.mkdir(parents=True, exist_ok=True)
    root.config.write_text(json.dumps({**old, "access_expires_at": 0}))
    err = root.fails("whoami")
    assert "session expired; run strata admin login" in err


def test_expired_access_token_is_refreshed(root):
    first = root.session()
    root.write_session(access_expires_at=0)
    assert root.json("whoami")["root"] is True
    second = root.session()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["access_expires_at"] > 0
    assert stat.S_IMODE(root.config.stat().st_mode) == 0o600


def test_refused_access_token_is_refreshed(root):
    first = root.session()
    # Still "valid" by the clock, but the server refuses it: 401 InvalidToken.
    root.write_session(access_token=first["access_token"][:-4] + "AAAA")
    assert root.json("user", "ls")["users"] is not None
    second = root.session()
    assert second["refresh_token"] != first["refresh_token"]
    # And the new pair keeps working without another refresh.
    root.json("whoami")
    assert root.session()["refresh_token"] == second["refresh_token"]


def test_parallel_commands_share_one_refresh(root):
    """Commands that find the token expired at the same moment must not all
    spend the one-use refresh token: a second spend revokes the session."""
    root.write_session(access_expires_at=0)
    procs = [subprocess.Popen([str(strata_bin()), "admin", "--json", "whoami"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=root.env(), stdin=subprocess.DEVNULL,
                              start_new_session=True)
             for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err
        assert json.loads(out)["root"] is True
    root.json("whoami")  # the session survived


def test_spent_refresh_token_means_login_again(root):
    first = root.session()
    root.write_session(access_expires_at=0)
    root.ok("whoami")  # spends first["refresh_token"]
    root.write_session(access_expires_at=0, refresh_token=first["refresh_token"])
    err = root.fails("whoami")
    assert err.strip() == "strata admin: session expired; run strata admin login"
    for secret in (first["refresh_token"], first["access_token"]):
        assert secret not in err


def test_corrupt_session_file(server, cli):
    cli.config.parent.mkdir(parents=True)
    cli.config.write_text("{not json")
    err = cli.fails("whoami")
    assert str(cli.config) in err and "strata admin login" in err
    cli.login()  # logging in replaces it
    assert cli.json("whoami")["root"] is True


def test_unreachable_endpoint_is_named(cli):
    url = f"http://127.0.0.1:{free_port()}"
    p = cli.run("--endpoint", url, "login", "--user", "x", env={"STRATA_PASSWORD": "password1"})
    assert p.returncode == 1
    assert url in p.stderr and "cannot reach" in p.stderr
    assert "password1" not in p.stderr


def test_https_and_bad_urls_are_usage_errors(cli):
    err = cli.fails("--endpoint", "https://127.0.0.1:9443", "whoami", code=2)
    assert "https" in err
    err = cli.fails("--endpoint", "ftp://x", "whoami", code=2)
    assert "ftp://x" in err


def test_session_tokens_go_only_to_their_server(root):
    other = f"http://127.0.0.1:{free_port()}"
    err = root.fails("--endpoint", other, "whoami")
    assert other in err and "login" in err
    # The same server spelled with a trailing slash is the same server.
    assert root.json("--endpoint", root.server.endpoint + "/", "whoami")["root"] is True


def test_usage_errors_from_the_parser(root):
    assert root.run("policy", "attach", "readonly").returncode not in (0, 1)
    assert root.run("policy", "attach", "readonly", "--user", "a",
                    "--group", "b").returncode not in (0, 1)
    assert root.run("user").returncode not in (0, 1)
    assert root.run("user", "info").returncode not in (0, 1)
    assert root.run("frobnicate").returncode not in (0, 1)


# --------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------

def test_user_lifecycle(root, tmp_path):
    name = unique("alice")
    created = root.json("user", "add", name, env={"STRATA_NEW_PASSWORD": "correct horse 1"})
    assert created["name"] == name
    assert created["has_password"] is True and created["disabled"] is False

    listed = root.json("user", "ls")["users"]
    assert name in [u["name"] for u in listed]
    table = root.ok("user", "ls")
    assert table.splitlines()[0].split()[:2] == ["NAME", "STATUS"]
    assert any(line.split()[:2] == [name, "enabled"] for line in table.splitlines())

    info = root.json("user", "info", name)
    assert set(info) >= {"id", "name", "disabled", "has_password", "created_ms", "policies",
                         "groups"}
    assert "name:" in root.ok("user", "info", name)

    # The user logs in with its own password, in a session of its own.
    alice = Cli(root.server, tmp_path, "alice")
    alice.login(name, "correct horse 1")
    me = alice.json("whoami")
    assert me["name"] == name and me["root"] is False

    assert "disabled user" in root.ok("user", "disable", name)
    assert root.json("user", "info", name)["disabled"] is True
    err = alice.fails("whoami")  # disabling ends its sessions
    assert "login" in err
    assert root.json("user", "enable", name) == {"ok": True}
    assert root.json("user", "info", name)["disabled"] is False

    # passwd: --password, and the old password stops working.
    root.ok("user", "passwd", name, "--password", "battery staple 2")
    alice.login(name, "battery staple 2")
    assert alice.json("whoami")["name"] == name

    assert "deleted user" in root.ok("user", "rm", name)
    err = root.fails("user", "info", name)
    assert err.startswith("strata admin: NoSuchEntity: ")
    assert name not in [u["name"] for u in root.json("user", "ls")["users"]]


def test_user_add_errors(root):
    name = unique("dup")
    root.ok("user", "add", name)  # no password: a keys-only user
    assert root.json("user", "info", name)["has_password"] is False
    err = root.fails("user", "add", name)
    assert err.startswith("strata admin: EntityAlreadyExists: ")
    err = root.fails("user", "add", "bad/name")
    assert err.startswith("strata admin: InvalidArgument: ")
    err = root.fails("user", "add", unique("short"), "--password", "tiny7")
    assert err.startswith("strata admin: InvalidArgument: ")
    assert "tiny7" not in err
    err = root.fails("user", "add", unique("nopol"), "--policy", "no-such-policy")
    assert err.startswith("strata admin: NoSuchEntity: ")
    root.ok("user", "rm", name)


def test_user_names_with_every_iam_character(root):
    name = "a.b+c=d,e@f_g-" + uuid.uuid4().hex[:6]
    root.ok("user", "add", name)
    assert root.json("user", "info", name)["name"] == name
    root.ok("user", "disable", name)
    root.ok("user", "rm", name)


def test_passwd_without_a_password_or_terminal_is_a_usage_error(root):
    name = unique("nopass")
    root.ok("user", "add", name)
    err = root.fails("user", "passwd", name, code=2)
    assert "STRATA_NEW_PASSWORD" in err
    root.ok("user", "passwd", name, env={"STRATA_NEW_PASSWORD": "from the env 1"})
    assert root.json("user", "info", name)["has_password"] is True
    root.ok("user", "rm", name)


# --------------------------------------------------------------------------
# Access keys
# --------------------------------------------------------------------------

def test_key_add_then_use_it_with_boto3(root, server, bucket):
    name = unique("writer")
    root.ok("user", "add", name, "--policy", "readwrite")
    key = root.json("key", "add", name, "--description", "ci job")
    assert set(key) >= {"access_key", "secret_key", "user", "created_ms", "description"}
    assert key["user"] == name and key["description"] == "ci job"

    s3 = server.client(access_key=key["access_key"], secret_key=key["secret_key"])
    s3.put_object(Bucket=bucket, Key="from-cli-key", Body=b"hello")
    assert s3.get_object(Bucket=bucket, Key="from-cli-key")["Body"].read() == b"hello"

    # Listing never shows a secret, in either form.
    for out in (root.ok("key", "ls"), root.ok("key", "ls", "--json"),
                root.ok("key", "ls", "--user", name), root.ok("key", "ls", "--user", name, "--json")):
        assert key["secret_key"] not in out
        assert key["access_key"] in out
    for k in root.json("key", "ls")["keys"]:
        assert not any("secret" in field for field in k)
    listed = keys_of(root, name)[key["access_key"]]
    assert listed["disabled"] is False and listed["description"] == "ci job"

    # Disabled keys stop at once; enabled ones work again; deleted ones are gone.
    root.ok("key", "disable", key["access_key"])
    assert keys_of(root, name)[key["access_key"]]["disabled"] is True
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="while-disabled", Body=b"x")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    root.ok("key", "enable", key["access_key"])
    s3.put_object(Bucket=bucket, Key="enabled-again", Body=b"x")
    assert "deleted access key" in root.ok("key", "rm", key["access_key"])
    assert key["access_key"] not in keys_of(root, name)
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="after-rm", Body=b"x")
    err = root.fails("key", "rm", key["access_key"])
    assert err.startswith("strata admin: NoSuchEntity: ")
    root.ok("user", "rm", name)


def test_key_add_prints_the_secret_once_for_people(root):
    name = unique("people")
    root.ok("user", "add", name)
    out = root.ok("key", "add", name)
    lines = out.splitlines()
    secret_lines = [l for l in lines if l.startswith("secret key:")]
    assert len(secret_lines) == 1
    secret = secret_lines[0].split(":", 1)[1].strip()
    assert len(secret) >= 20 and out.count(secret) == 1
    assert "only this once" in out
    root.ok("user", "rm", name)


# --------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------

def read_only_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        }],
    }


def test_policy_from_file_makes_a_read_only_user(root, server, bucket, tmp_path):
    server.client().put_object(Bucket=bucket, Key="existing", Body=b"readable")
    policy = unique("read-only")
    doc = tmp_path / "policy.json"
    doc.write_text(json.dumps(read_only_policy(bucket)))
    stored = root.json("policy", "add", policy, str(doc))
    assert stored["name"] == policy and stored["builtin"] is False
    assert json.loads(stored["document"]) == read_only_policy(bucket)

    reader = unique("reader")
    root.ok("user", "add", reader)
    assert f"attached policy {policy} to user {reader}" in \
        root.ok("policy", "attach", policy, "--user", reader)
    assert policy in root.json("user", "info", reader)["policies"]
    info = root.json("policy", "info", policy)
    assert reader in info["users"]
    assert "document:" in root.ok("policy", "info", policy)

    key = root.json("key", "add", reader)
    s3 = server.client(access_key=key["access_key"], secret_key=key["secret_key"])
    assert s3.get_object(Bucket=bucket, Key="existing")["Body"].read() == b"readable"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="forbidden", Body=b"x")
    assert e.value.response["Error"]["Code"] == "AccessDenied"

    # Attached policies cannot be deleted; detached ones can.
    err = root.fails("policy", "rm", policy)
    assert err.startswith("strata admin: DeleteConflict: ")
    root.ok("policy", "detach", policy, "--user", reader)
    assert policy not in root.json("user", "info", reader)["policies"]
    root.ok("policy", "rm", policy)
    assert policy not in [p["name"] for p in root.json("policy", "ls")["policies"]]
    root.ok("user", "rm", reader)


def test_policy_from_stdin_listing_and_errors(root, bucket):
    policy = unique("stdin")
    root.ok("policy", "add", policy, "-", stdin_text=json.dumps(read_only_policy(bucket)))
    listed = root.json("policy", "ls")["policies"]
    names = [p["name"] for p in listed]
    assert policy in names
    for builtin in ("admin", "readwrite", "readonly", "writeonly", "diagnostics"):
        assert builtin in names
    assert names.index("admin") < names.index(policy)  # built-ins first
    table = root.ok("policy", "ls")
    assert table.splitlines()[0].split() == ["NAME", "BUILTIN", "UPDATED"]

    bad = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEqualz": {"aws:username": "x"}}}]})
    err = root.fails("policy", "add", unique("bad"), "-", stdin_text=bad)
    assert err.startswith("strata admin: MalformedPolicy: ")
    err = root.fails("policy", "rm", "readonly")
    assert err.startswith("strata admin: InvalidArgument: ")
    err = root.fails("policy", "add", unique("nofile"), "/nonexistent/policy.json")
    assert "/nonexistent/policy.json" in err
    root.ok("policy", "rm", policy)


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------

def test_groups(root, server, bucket):
    group = unique("devs")
    member = unique("dev")
    root.ok("user", "add", member)
    created = root.json("group", "add", group)
    assert created["name"] == group and created["members"] == []
    assert group in [g["name"] for g in root.json("group", "ls")["groups"]]
    assert root.ok("group", "ls").splitlines()[0].split()[0] == "NAME"

    assert f"added {member} to group {group}" in root.ok("group", "member", "add", group, member)
    assert root.json("group", "info", group)["members"] == [member]
    assert group in root.json("user", "info", member)["groups"]

    # A policy through the group gives the member access.
    root.ok("policy", "attach", "readwrite", "--group", group)
    assert "readwrite" in root.json("group", "info", group)["policies"]
    key = root.json("key", "add", member)
    s3 = server.client(access_key=key["access_key"], secret_key=key["secret_key"])
    s3.put_object(Bucket=bucket, Key="via-group", Body=b"x")

    err = root.fails("group", "rm", group)
    assert err.startswith("strata admin: DeleteConflict: ")
    root.ok("group", "member", "rm", group, member)
    assert root.json("group", "info", group)["members"] == []
    root.ok("policy", "detach", "readwrite", "--group", group)
    assert "deleted group" in root.ok("group", "rm", group)
    err = root.fails("group", "info", group)
    assert err.startswith("strata admin: NoSuchEntity: ")
    root.ok("user", "rm", member)


# --------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------

def test_storage_heal_and_gc(root):
    figures = root.json("storage")
    assert {"objects", "logical_bytes", "drives", "heal", "gc"} <= set(figures)
    text = root.ok("storage")
    assert "objects:" in text and "drives:" in text

    heal = root.json("heal")
    assert "pass_running" in heal
    started = root.json("heal", "--start")
    assert "passes_completed" in started
    gc = root.json("gc")
    assert {"chunks_deleted", "orphans_deleted", "bytes_reclaimed"} <= set(gc)
    assert "chunks deleted:" in root.ok("gc")


def test_non_admin_user_is_denied(root, tmp_path):
    name = unique("plain")
    root.ok("user", "add", name, env={"STRATA_NEW_PASSWORD": "plain user 1"})
    plain = Cli(root.server, tmp_path, "plain")
    plain.login(name, "plain user 1")
    assert plain.json("whoami")["name"] == name  # a caller may always read itself
    err = plain.fails("user", "ls")
    assert err.startswith("strata admin: AccessDenied: ")
    err = plain.fails("gc")
    assert err.startswith("strata admin: AccessDenied: ")
    root.ok("user", "rm", name)
