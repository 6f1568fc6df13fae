"""Two Strata nodes sharing one PostgreSQL database, one Redis (in the
STRATA_TEST_CACHE=redis pass) and the same drive folders, as two gateways
over shared storage would run (issue 6):

  * a write through A is visible through B at once (read-after-write,
    list-after-write), deletes too, also after B has the old value cached;
  * a user and key created through A's admin API sign requests on B at once,
    and a policy attached or detached through A applies on B at once;
  * GC running on both nodes while both take uploads never removes a chunk
    an object needs (the two coordinate through the metadata store only);
  * PostgreSQL restarted mid-run: every request succeeds or gets 503
    ServiceUnavailable, nothing acknowledged is lost, readiness says 503
    while the database is gone, and both nodes recover by themselves;
  * Redis killed mid-run: every request still succeeds with correct data.

Each node has its own DIR (its log, master key file, root-credential file);
both get the same STRATA_ROOT_USER/PASSWORD and STRATA_MASTER_KEY, so either
can open the access-key secrets the other sealed. The nodes get a private
PostgreSQL (and Redis) of their own, because the fault tests stop them.

Skipped unless STRATA_TEST_META=postgres: SQLite is one node's file.
scripts/test.sh runs this file in both PostgreSQL passes.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import threading
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

import meta_backends
from conftest import StrataServer, _require_binary
from strata_helpers import admin, assert_client_error, list_keys

pytestmark = pytest.mark.skipif(
    meta_backends.META != "postgres",
    reason="two nodes share one metadata database, which needs STRATA_TEST_META=postgres "
           "(scripts/test.sh runs this file in its PostgreSQL passes)")

KiB = 1024
MiB = 1024 * KiB
TIMEOUT = 60
GC_GRACE_S = 4


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Cluster:
    """Nodes A and B over one database, one Redis (or none) and six shared
    drive folders."""

    def __init__(self, tmp_path_factory):
        # Durable commits: the crash test kills PostgreSQL and then checks that
        # every acknowledged write is still there.
        self.pg = meta_backends.PostgresServer(durable_commits=True).start()
        self.database = self.pg.create_database("twonodes")
        self.redis = meta_backends.RedisServer().start() if meta_backends.CACHE == "redis" else None
        drives_root = tmp_path_factory.mktemp("shared-drives")
        self.drives = [drives_root / f"drive{i}" for i in range(1, 7)]
        for d in self.drives:
            d.mkdir()
        env = {"STRATA_MASTER_KEY": secrets.token_hex(32)}
        self.nodes = []
        for name in ("a", "b"):
            node = StrataServer(
                tmp_path_factory.mktemp(f"node-{name}"), f"node-{name}",
                meta_url=self.pg.url(self.database),
                cache_url=self.redis.url(1) if self.redis else None,
                extra_args=("--drives", ",".join(str(d) for d in self.drives),
                            "--gc-interval", "0", "--heal-interval", "0",
                            "--gc-grace", str(GC_GRACE_S)),
                env=env)
            if self.nodes:  # one set of root credentials for both
                node.access_key = self.nodes[0].access_key
                node.secret_key = self.nodes[0].secret_key
            self.nodes.append(node)
        self.a, self.b = self.nodes

    def start(self):
        for node in self.nodes:
            node.start()
        return self

    def close(self):
        for node in self.nodes:
            node.stop()
        if self.redis:
            self.redis.close()
        self.pg.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    _require_binary()
    c = Cluster(tmp_path_factory).start()
    yield c
    c.close()


@pytest.fixture
def bucket(cluster, request):
    name = "two-" + request.node.name.replace("test_", "").replace("_", "-")[:40]
    cluster.a.client().create_bucket(Bucket=name)
    return name


def client(node, access_key=None, secret_key=None):
    """A path-style client that sends each request once (no retries: botocore's
    legacy max_attempts would resend a 5xx), so every 503 shows."""
    cfg = Config(signature_version="s3v4", retries={"total_max_attempts": 1},
                 s3={"addressing_style": "path"}, connect_timeout=10, read_timeout=TIMEOUT)
    return boto3.session.Session().client(
        "s3", endpoint_url=node.endpoint, aws_access_key_id=access_key or node.access_key,
        aws_secret_access_key=secret_key or node.secret_key, region_name=node.region,
        config=cfg)


def admin_json(node, method, path, body=None, expect=(200, 201, 204)):
    status, doc = admin(node, method, path,
                        body=json.dumps(body).encode() if body is not None else b"")
    assert status in expect, (method, path, status, doc)
    return doc


# --------------------------------------------------------------------------
# Visibility across nodes
# --------------------------------------------------------------------------

def test_write_on_a_reads_and_lists_on_b_at_once(cluster, bucket):
    a, b = client(cluster.a), client(cluster.b)
    bodies = {"inline": os.urandom(1000), "one-chunk": os.urandom(100 * KiB),
              "two-chunks": os.urandom(5 * MiB), "dir/nested": b""}
    for key, body in bodies.items():
        a.put_object(Bucket=bucket, Key=key, Body=body)
        got = b.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert sha(got) == sha(body), key
    assert sorted(list_keys(b, bucket)) == sorted(bodies)
    assert b.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200

    # Overwrites, alternating nodes, each read at once on the other one: a
    # head either node cached must never be served after the other's write.
    for i in range(20):
        writer, reader = (a, b) if i % 2 == 0 else (b, a)
        body = f"version {i} ".encode() + os.urandom(i * 997)
        writer.put_object(Bucket=bucket, Key="flip", Body=body)
        assert reader.get_object(Bucket=bucket, Key="flip")["Body"].read() == body, i
        assert reader.head_object(Bucket=bucket, Key="flip")["ContentLength"] == len(body), i


def test_delete_on_a_is_gone_on_b(cluster, bucket):
    a, b = client(cluster.a), client(cluster.b)
    a.put_object(Bucket=bucket, Key="doomed", Body=b"x" * 5000)
    # B reads it first (so a cache would hold it), then A deletes.
    assert b.get_object(Bucket=bucket, Key="doomed")["Body"].read() == b"x" * 5000
    a.delete_object(Bucket=bucket, Key="doomed")
    with pytest.raises(ClientError) as ei:
        b.get_object(Bucket=bucket, Key="doomed")
    assert_client_error(ei, "NoSuchKey", 404)
    with pytest.raises(ClientError) as ei:
        b.head_object(Bucket=bucket, Key="doomed")
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "doomed" not in list_keys(b, bucket)

    # The bucket too.
    b.head_bucket(Bucket=bucket)
    a.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as ei:
        b.head_bucket(Bucket=bucket)
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as ei:
        b.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert_client_error(ei, "NoSuchBucket", 404)


def test_user_key_and_policy_from_a_apply_on_b(cluster, bucket):
    client(cluster.a).put_object(Bucket=bucket, Key="doc", Body=b"shared document")
    user = "two-" + secrets.token_hex(4)
    admin_json(cluster.a, "POST", "users", {"name": user}, expect=(201,))
    key = admin_json(cluster.a, "POST", f"users/{user}/keys", {}, expect=(201,))
    as_user_b = client(cluster.b, access_key=key["access_key"], secret_key=key["secret_key"])

    # The key signs on B at once; without a policy it may do nothing.
    with pytest.raises(ClientError) as ei:
        as_user_b.get_object(Bucket=bucket, Key="doc")
    assert_client_error(ei, "AccessDenied", 403)

    # A policy attached through A applies on B at once (B just answered
    # AccessDenied, so anything it cached is now stale).
    policy = f"read-{user}"
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{bucket}/*"]}]}
    status, body = admin(cluster.a, "PUT", f"policies/{policy}", body=json.dumps(doc).encode())
    assert status == 200, body
    admin_json(cluster.a, "POST", f"policies/{policy}/attach", {"user": user}, expect=(204,))
    assert as_user_b.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"shared document"
    # Still only what it allows.
    with pytest.raises(ClientError) as ei:
        as_user_b.put_object(Bucket=bucket, Key="other", Body=b"x")
    assert_client_error(ei, "AccessDenied", 403)

    # Detached on A: denied on B at once. Key disabled on A: refused on B.
    admin_json(cluster.a, "POST", f"policies/{policy}/detach", {"user": user}, expect=(204,))
    with pytest.raises(ClientError) as ei:
        as_user_b.get_object(Bucket=bucket, Key="doc")
    assert_client_error(ei, "AccessDenied", 403)
    admin_json(cluster.a, "POST", f"policies/{policy}/attach", {"user": user}, expect=(204,))
    assert as_user_b.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"shared document"
    admin_json(cluster.a, "POST", f"keys/{key['access_key']}/disable", expect=(204,))
    with pytest.raises(ClientError) as ei:
        as_user_b.get_object(Bucket=bucket, Key="doc")
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


# --------------------------------------------------------------------------
# GC on both nodes during uploads on both
# --------------------------------------------------------------------------

def test_gc_on_both_nodes_during_uploads_keeps_every_object(cluster, bucket):
    rng = random.Random(6)
    # A pool of contents reused across keys: uploads deduplicate against
    # chunks that overwrites and deletes just released, which is where GC on
    # one node and an upload on the other could fight over a chunk.
    pool = [os.urandom(rng.choice([40 * KiB, 300 * KiB, 1 * MiB])) for _ in range(12)]
    nodes = {"a": client(cluster.a), "b": client(cluster.b)}
    expected = {}  # key -> content index, as last acknowledged
    lock = threading.Lock()
    errors = []
    collected = {"a": 0, "b": 0}  # chunks deleted by each node's GC passes

    # Garbage old enough for GC to take: written, then released.
    for i, body in enumerate(pool):
        nodes["a"].put_object(Bucket=bucket, Key=f"seed-{i}", Body=body)
    for i in range(len(pool)):
        nodes["b"].delete_object(Bucket=bucket, Key=f"seed-{i}")
    time.sleep(GC_GRACE_S + 1)

    stop = threading.Event()

    def uploader(name, seed):
        r = random.Random(seed)
        c = client(cluster.a if name == "a" else cluster.b)
        n = 0
        while not stop.is_set():
            key = f"{name}-{r.randrange(30)}"
            action = r.random()
            try:
                if action < 0.7:
                    idx = r.randrange(len(pool))
                    # Each writer owns its keys: "last acknowledged" is exact.
                    c.put_object(Bucket=bucket, Key=key, Body=pool[idx])
                    with lock:
                        expected[key] = idx
                else:
                    c.delete_object(Bucket=bucket, Key=key)
                    with lock:
                        expected.pop(key, None)
            except Exception as e:  # noqa: BLE001 - every failure is a test failure
                with lock:
                    errors.append(f"{name} {key}: {e!r}")
            n += 1

    def collector(node):
        while not stop.is_set():
            status, doc = admin(node, "POST", "gc")
            with lock:
                if status != 200:
                    errors.append(f"gc on {node.name}: {status} {doc}")
                else:
                    collected[node.name[-1]] += doc["chunks_deleted"]
            time.sleep(0.2)

    threads = [threading.Thread(target=uploader, args=("a", 1)),
               threading.Thread(target=uploader, args=("b", 2)),
               threading.Thread(target=collector, args=(cluster.a,)),
               threading.Thread(target=collector, args=(cluster.b,))]
    for t in threads:
        t.start()
    # Long enough that released chunks age past the grace period while the
    # uploads go on, so both collectors really delete during the run.
    time.sleep(GC_GRACE_S * 3)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors[:5]
    assert expected, "no upload succeeded"

    # Once more after everything aged, on both nodes at once.
    time.sleep(GC_GRACE_S + 1)
    results = []
    both = [threading.Thread(target=lambda n=n: results.append(admin(n, "POST", "gc")))
            for n in cluster.nodes]
    for t in both:
        t.start()
    for t in both:
        t.join(timeout=120)
    assert [r[0] for r in results] == [200, 200], results
    for status, doc in results:
        collected["a"] += doc["chunks_deleted"]
    stats = admin(cluster.a, "GET", "storage")[1]

    for key, idx in sorted(expected.items()):
        for c in nodes.values():
            got = c.get_object(Bucket=bucket, Key=key)["Body"].read()
            assert sha(got) == sha(pool[idx]), key
    assert sorted(list_keys(nodes["b"], bucket)) == sorted(expected)
    # Garbage was really collected along the way (the seeds' chunks at least),
    # and nothing unreferenced is left once everything aged.
    assert sum(collected.values()) > 0, collected
    assert stats["unreferenced_chunks"] == 0, stats


# --------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------

def ready(node):
    try:
        r = requests.get(node.endpoint + "/_strata/health/ready", timeout=TIMEOUT)
    except requests.RequestException as e:
        return None, str(e)
    return r.status_code, r.json()


def wait_ready(node, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, doc = ready(node)
        if status == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"{node.name} not ready {timeout:.0f} s after the fault: {doc}\n"
                         f"{node.log_tail()}")


class Load:
    """PUTs of fresh keys and GETs of acknowledged ones on both nodes, from
    a few threads. Records what was acknowledged and every failure."""

    def __init__(self, cluster, bucket, *, threads_per_node=2):
        self.cluster = cluster
        self.bucket = bucket
        self.acked = {}  # key -> sha256 of the body, for PUTs answered 200
        self.failures = []  # (node, operation, HTTP status or exception text)
        self.successes = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(node, t))
                        for node in cluster.nodes for t in range(threads_per_node)]

    def _run(self, node, t):
        c = client(node)
        r = random.Random(f"{node.name}{t}")
        n = 0
        while not self.stop.is_set():
            n += 1
            key = f"{node.name}-{t}-{n}"
            body = os.urandom(r.choice([500, 20 * KiB, 120 * KiB]))
            self._once(node, f"PUT {key}", lambda: c.put_object(Bucket=self.bucket, Key=key, Body=body),
                       on_ok=lambda: self.acked.__setitem__(key, sha(body)))
            with self.lock:
                known = list(self.acked.items())
            if known:
                k, digest = r.choice(known)

                def get(k=k, digest=digest):
                    got = c.get_object(Bucket=self.bucket, Key=k)["Body"].read()
                    if sha(got) != digest:
                        raise AssertionError(f"{k}: wrong content read")
                self._once(node, f"GET {k}", get)

    def _once(self, node, op, fn, on_ok=None):
        try:
            fn()
        except ClientError as e:
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
            code = e.response.get("Error", {}).get("Code")
            with self.lock:
                self.failures.append((node.name, op, status, code, time.time(),
                                      e.response["ResponseMetadata"].get("RequestId")))
            return
        except Exception as e:  # noqa: BLE001 - recorded and judged by the test
            with self.lock:
                self.failures.append((node.name, op, None, repr(e), time.time()))
            return
        with self.lock:
            self.successes += 1
            if on_ok:
                on_ok()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=180)
        assert not any(t.is_alive() for t in self.threads), "a load thread hung"

    def count(self):
        with self.lock:
            return self.successes


def wait_for_successes(load, more, timeout=60.0):
    start = load.count()
    deadline = time.monotonic() + timeout
    while load.count() < start + more:
        assert time.monotonic() < deadline, f"fewer than {more} successes in {timeout:.0f} s"
        time.sleep(0.05)


def verify_acked(cluster, bucket, acked):
    for node in cluster.nodes:
        c = client(node)
        for key, digest in acked.items():
            got = c.get_object(Bucket=bucket, Key=key)["Body"].read()
            assert sha(got) == digest, f"{key} on {node.name}"


def test_postgres_restart_mid_run(cluster, bucket):
    with Load(cluster, bucket) as load:
        wait_for_successes(load, 20)
        cluster.pg.stop("fast")
        # While the database is gone: readiness says so, with the reason.
        time.sleep(1.0)
        for node in cluster.nodes:
            status, doc = ready(node)
            assert status == 503, (node.name, status, doc)
            assert "metadata" in doc.get("reason", ""), doc
        time.sleep(1.0)
        cluster.pg.start()
        # Both nodes recover by themselves: requests succeed again.
        for node in cluster.nodes:
            wait_ready(node)
        wait_for_successes(load, 20)

    # Only 503 ServiceUnavailable, never another error or a dropped connection.
    bad = [f for f in load.failures if f[2] != 503 or f[3] != "ServiceUnavailable"]
    assert not bad, bad[:10]
    assert load.acked
    # Nothing acknowledged is lost, on either node.
    verify_acked(cluster, bucket, load.acked)


def test_postgres_crash_restart_mid_run(cluster, bucket):
    """The same with an immediate shutdown (like a crash: recovery on start)."""
    with Load(cluster, bucket) as load:
        wait_for_successes(load, 20)
        cluster.pg.stop("immediate")
        time.sleep(1.5)
        cluster.pg.start()
        for node in cluster.nodes:
            wait_ready(node)
        wait_for_successes(load, 20)
    bad = [f for f in load.failures if f[2] != 503 or f[3] != "ServiceUnavailable"]
    assert not bad, bad[:10]
    verify_acked(cluster, bucket, load.acked)


def cache_connected(node):
    text = requests.get(node.endpoint + "/_strata/metrics", timeout=TIMEOUT).text
    for line in text.splitlines():
        if line.startswith("strata_meta_cache_connected "):
            return float(line.split()[1])
    return None


@pytest.mark.skipif(meta_backends.CACHE != "redis",
                    reason="needs the Redis cache (STRATA_TEST_CACHE=redis)")
def test_redis_killed_mid_run(cluster, bucket):
    with Load(cluster, bucket) as load:
        wait_for_successes(load, 30)
        cluster.redis.kill()
        wait_for_successes(load, 40)
        # Each node notices at its next round trip to Redis.
        deadline = time.monotonic() + 30
        while not all(cache_connected(n) == 0 for n in cluster.nodes):
            assert time.monotonic() < deadline, "the cache still claims a connection"
            time.sleep(0.2)
        cluster.redis.start()
        wait_for_successes(load, 40)
    # Redis gone is slower, never wrong and never unavailable: no failure at all.
    assert not load.failures, load.failures[:10]
    verify_acked(cluster, bucket, load.acked)
    # Both reconnect by themselves.
    deadline = time.monotonic() + 60
    while not all(cache_connected(n) == 1 for n in cluster.nodes):
        assert time.monotonic() < deadline, "the cache did not reconnect to Redis"
        time.sleep(0.5)
    # And cross-node invalidation works again after the outage.
    a, b = client(cluster.a), client(cluster.b)
    for i in range(5):
        body = os.urandom(100 + i)
        a.put_object(Bucket=bucket, Key="after-redis", Body=body)
        assert b.get_object(Bucket=bucket, Key="after-redis")["Body"].read() == body
