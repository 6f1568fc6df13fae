"""The storage engine against the real binary: content-addressed chunks stored
once (dedup), CopyObject without data, content-defined chunking, inline small
objects, healing lost and rotten shards back to byte-identical files, garbage
collection, and crash consistency under kill -9.

What is checked on disk (docs/storage-format.md and the chunks migration):
  DIR/driveN/chunks/<loc[0:2]>/<loc>/<shard index>   committed shard files
  DIR/driveN/tmp/                                     shards being written
  DIR/meta/strata.db                                  SQLite, read-only here

Tests that destroy drives or need their own flags start a server of their
own (start_server); sizes stay modest because CI runs an ASan build on two
cores.
"""
from __future__ import annotations

import hashlib
import os
import random
import secrets
import shutil
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import _start
from strata_helpers import (DEFAULT_INLINE_THRESHOLD, SHARD_HEADER_SIZE, UNSIGNED_PAYLOAD,
                            admin, admin_ok, build_raw_head, chunk_rows, heal_pass,
                            list_keys, location_dirs, location_of, object_absent, object_row,
                            object_rows, quote_path, run_gc, sha256, shard_bytes,
                            shard_digests, shard_file_size, shard_files, shard_header,
                            sign_request, storage_stats, temp_files)

KiB = 1024
MiB = 1024 * KiB
CHUNK = 4 * MiB
K, M = 4, 2  # the default erasure coding

# dedup: DEDUP_COPIES keys of the same DEDUP_SIZE bytes.
DEDUP_SIZE = 100 * MiB
DEDUP_COPIES = 10


@pytest.fixture
def start_server(tmp_path_factory, request):
    """start_server(*extra_args): a server of this test's own; all are
    stopped at teardown (after the failure report has shown their logs)."""
    servers = []
    name = request.node.name.replace("test_", "", 1)[:24]

    def start(*extra_args):
        server = _start(tmp_path_factory, name, extra_args=extra_args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def new_bucket(client, name):
    client.create_bucket(Bucket=name)
    return name


def get_digest(client, bucket, key, **kwargs):
    """(length, SHA-256) of a GET body, streamed (no 100 MiB in memory)."""
    body = client.get_object(Bucket=bucket, Key=key, **kwargs)["Body"]
    h = hashlib.sha256()
    n = 0
    for block in body.iter_chunks(1 << 20):
        h.update(block)
        n += len(block)
    return n, h.hexdigest()


def assert_reads_back(client, bucket, key, data: bytes):
    n, digest = get_digest(client, bucket, key)
    assert (n, digest) == (len(data), sha256(data)), (
        f"{bucket}/{key}: read {n} bytes {digest[:16]}, "
        f"expected {len(data)} bytes {sha256(data)[:16]}")


def assert_range(client, bucket, key, data: bytes, first: int, last: int):
    got = client.get_object(Bucket=bucket, Key=key,
                            Range=f"bytes={first}-{last}")["Body"].read()
    assert got == data[first:last + 1], (
        f"{bucket}/{key} bytes={first}-{last}: {len(got)} bytes, wrong content"
        if len(got) == last + 1 - first else
        f"{bucket}/{key} bytes={first}-{last}: {len(got)} bytes, expected {last + 1 - first}")


def expected_shard_bytes(rows) -> int:
    """What the chunks in `rows` take on the drives: K+M shard files each."""
    return sum((r["data_shards"] + r["parity_shards"])
               * shard_file_size(r["size"], r["data_shards"]) for r in rows.values())


def shards_by_location(server) -> dict:
    """{location: {shard index: [relative paths]}} of every shard file."""
    out = {}
    for rel in shard_files(server):
        index = rel.split("/")[-1]
        out.setdefault(location_of(rel), {}).setdefault(index, []).append(rel)
    return out


def flip_bytes(path, rng, count=3):
    """Flip `count` random bytes past the 80-byte header (payload or block
    checksums: every one of them is covered by a block checksum)."""
    raw = bytearray(path.read_bytes())
    for _ in range(count):
        i = rng.randrange(SHARD_HEADER_SIZE, len(raw))
        raw[i] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(raw))


def plant_orphan(server, drive=1, age_s=0.0):
    """A shard folder no chunk row names, as a write that never committed
    leaves it: driveN/chunks/<loc[0:2]>/<loc>/0. Returns the folder."""
    loc = secrets.token_hex(16)
    d = server.data_dir / f"drive{drive}" / "chunks" / loc[:2] / loc
    d.mkdir(parents=True)
    f = d / "0"
    f.write_bytes(b"STRSHARD" + os.urandom(2000))
    if age_s:
        t = time.time() - age_s
        os.utime(f, (t, t))
        os.utime(d, (t, t))
    return d


# --------------------------------------------------------------------------
# admin API
# --------------------------------------------------------------------------

STORAGE_FIELDS = ("objects", "logical_bytes", "inline_bytes", "chunks", "chunk_bytes",
                  "unreferenced_chunks", "dedup_ratio", "reconstructions",
                  "corruptions_found", "drives", "heal", "gc")
HEAL_FIELDS = ("pass_running", "passes_completed", "chunks_checked", "shards_missing",
               "shards_corrupt", "shards_rebuilt", "chunks_unrecoverable", "queued")
GC_FIELDS = ("chunks_deleted", "orphans_deleted", "bytes_reclaimed", "errors")


def test_admin_storage_document(strata):
    doc = storage_stats(strata)
    missing = [f for f in STORAGE_FIELDS if f not in doc]
    assert not missing, f"storage document lacks {missing}: {doc}"
    for f in STORAGE_FIELDS[:9]:
        assert isinstance(doc[f], (int, float)) and not isinstance(doc[f], bool), (f, doc[f])
    assert len(doc["drives"]) == 6, doc["drives"]
    for i, d in enumerate(doc["drives"], 1):
        assert {"path", "online", "errors"} <= set(d), d
        assert d["online"] is True, d
        assert str(d["path"]).rstrip("/").endswith(f"drive{i}"), d
    assert set(HEAL_FIELDS) <= set(doc["heal"]), doc["heal"]
    assert set(GC_FIELDS) <= set(doc["gc"]), doc["gc"]
    heal = admin_ok(strata, "GET", "heal")
    assert set(HEAL_FIELDS) <= set(heal), heal


@pytest.mark.parametrize("method,path", [("GET", "storage"), ("GET", "heal"),
                                         ("POST", "heal"), ("POST", "gc")])
def test_admin_requires_a_caller_allowed_to_call_it(strata, method, path):
    passes = admin_ok(strata, "GET", "heal")["passes_completed"]
    # No credentials at all: 401 (docs/admin-api.md); a signature that does
    # not verify: 403.
    attempts = {
        "unsigned": (dict(sign=False), 401),
        "unknown access key": (dict(access_key="AKIANOTAROOTKEY00000", secret_key="x" * 40), 403),
        "wrong secret": (dict(secret_key=strata.secret_key[::-1]), 403),
    }
    for what, (kwargs, expected) in attempts.items():
        status, doc = admin(strata, method, path, **kwargs)
        assert status == expected, f"{what} {method} {path}: HTTP {status} {doc!r}"
        assert isinstance(doc, dict) and "error" in doc, (
            f"{what} {method} {path}: body is not {{\"error\": ...}}: {doc!r}")
    # The refused POST heal started nothing.
    time.sleep(0.2)
    heal = admin_ok(strata, "GET", "heal")
    assert heal["passes_completed"] == passes and not heal["pass_running"], heal


def test_admin_methods_and_routes(strata):
    for method, path, status in [("DELETE", "storage", 405), ("POST", "storage", 405),
                                 ("GET", "gc", 405), ("PUT", "gc", 405), ("PUT", "heal", 405),
                                 ("GET", "nonexistent", 404), ("GET", "storage/", 404)]:
        got, doc = admin(strata, method, path)
        assert got == status and isinstance(doc, dict) and "error" in doc, (
            f"{method} {path}: expected {status} {{\"error\": ...}}, got {got} {doc!r}")
    # Routing comes first (the paths are documented, and login needs no
    # caller): an unknown path is 404 signed or not.
    got, doc = admin(strata, "GET", "nonexistent", sign=False)
    assert got == 404 and "error" in doc, (got, doc)
    # Admin requests take no body.
    got, doc = admin(strata, "POST", "gc", body=b"{}")
    assert got == 400 and "error" in doc, (got, doc)
    # Any region in the credential scope (docs/admin-api.md).
    got, doc = admin(strata, "GET", "storage", region="eu-west-1")
    assert got == 200 and "objects" in doc, (got, doc)


# --------------------------------------------------------------------------
# dedup and copy
# --------------------------------------------------------------------------

def test_dedup_same_content_under_ten_keys(start_server):
    server = start_server()
    c = server.client()
    b = new_bucket(c, "dedup")
    data = os.urandom(DEDUP_SIZE)
    digest = sha256(data)
    t0 = time.monotonic()
    for i in range(DEDUP_COPIES):
        c.put_object(Bucket=b, Key=f"copy-{i}", Body=data)
    t_put = time.monotonic() - t0

    n_chunks = -(-DEDUP_SIZE // CHUNK)
    rows = chunk_rows(server)
    assert len(rows) == n_chunks, f"{len(rows)} chunk rows, expected {n_chunks}"
    assert sum(r["size"] for r in rows.values()) == DEDUP_SIZE
    assert all(r["refcount"] == DEDUP_COPIES for r in rows.values()), \
        sorted(r["refcount"] for r in rows.values())

    files = shard_files(server)
    assert len(files) == n_chunks * (K + M), f"{len(files)} shard files"
    on_disk = sum(p.stat().st_size for p in files.values())
    assert DEDUP_SIZE * 1.5 <= on_disk <= DEDUP_SIZE * 1.5 * 1.02, (
        f"{on_disk} shard bytes for {DEDUP_SIZE} unique bytes stored {DEDUP_COPIES} times")
    assert on_disk == expected_shard_bytes(rows)

    stats = storage_stats(server)
    assert stats["objects"] == DEDUP_COPIES, stats
    assert stats["logical_bytes"] == DEDUP_COPIES * DEDUP_SIZE, stats
    assert stats["chunks"] == n_chunks and stats["chunk_bytes"] == DEDUP_SIZE, stats
    assert stats["unreferenced_chunks"] == 0 and stats["inline_bytes"] == 0, stats
    assert stats["dedup_ratio"] == pytest.approx(DEDUP_COPIES, rel=0.01), stats

    t0 = time.monotonic()
    for i in range(DEDUP_COPIES):
        assert get_digest(c, b, f"copy-{i}") == (DEDUP_SIZE, digest), f"copy-{i}"
    t_get = time.monotonic() - t0
    print(f"dedup: {DEDUP_COPIES} x {DEDUP_SIZE // MiB} MiB PUT {t_put:.1f} s, GET {t_get:.1f} s")


def test_copy_writes_no_data(strata, s3, bucket):
    data = os.urandom(9 * MiB)
    s3.put_object(Bucket=bucket, Key="src", Body=data)
    src = object_row(strata, bucket, "src")["entries"]
    assert [e["length"] for e in src] == [CHUNK, CHUNK, MiB], src
    files = set(shard_files(strata))
    rows = chunk_rows(strata)

    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert set(shard_files(strata)) == files, "CopyObject wrote shard files"
    assert temp_files(strata) == []
    dst = object_row(strata, bucket, "dst")["entries"]
    assert dst == src, "the copy's manifest differs from the source's"
    after = chunk_rows(strata)
    assert set(after) == set(rows), "CopyObject added or removed chunk rows"
    for e in src:
        assert after[e["hash"]]["refcount"] == rows[e["hash"]]["refcount"] + 1, e["hash"]
    assert_reads_back(s3, bucket, "dst", data)

    s3.delete_object(Bucket=bucket, Key="src")
    assert object_absent(s3, bucket, "src")
    after_delete = chunk_rows(strata)
    for e in src:
        assert after_delete[e["hash"]]["refcount"] == rows[e["hash"]]["refcount"], e["hash"]
    assert set(shard_files(strata)) == files
    assert_reads_back(s3, bucket, "dst", data)
    assert_range(s3, bucket, "dst", data, CHUNK - 10, 2 * CHUNK + 10)


def test_chunk_repeated_in_one_object_counts_twice(start_server):
    server = start_server("--gc-grace", "0", "--gc-interval", "100000")
    c = server.client()
    b = new_bucket(c, "repeat")
    block, tail = os.urandom(CHUNK), os.urandom(MiB)
    data = block + block + tail
    c.put_object(Bucket=b, Key="x", Body=data)
    rows = chunk_rows(server)
    assert sorted(r["refcount"] for r in rows.values()) == [1, 2], rows
    assert len(shard_files(server)) == 2 * (K + M)
    assert [e["hash"] for e in object_row(server, b, "x")["entries"]] == \
        [sha256(block), sha256(block), sha256(tail)]
    assert_reads_back(c, b, "x", data)
    assert_range(c, b, "x", data, CHUNK - 3, 2 * CHUNK + 3)

    # The same bytes again under the same key: nothing written, nothing freed.
    files = set(shard_files(server))
    c.put_object(Bucket=b, Key="x", Body=data)
    assert set(shard_files(server)) == files
    assert chunk_rows(server) == rows
    assert storage_stats(server)["unreferenced_chunks"] == 0

    c.copy_object(Bucket=b, Key="y", CopySource={"Bucket": b, "Key": "x"})
    assert sorted(r["refcount"] for r in chunk_rows(server).values()) == [2, 4]
    c.delete_object(Bucket=b, Key="x")
    assert sorted(r["refcount"] for r in chunk_rows(server).values()) == [1, 2]
    assert_reads_back(c, b, "y", data)
    c.delete_object(Bucket=b, Key="y")
    assert sorted(r["refcount"] for r in chunk_rows(server).values()) == [0, 0]
    assert storage_stats(server)["unreferenced_chunks"] == 2
    gc = run_gc(server)
    assert gc["chunks_deleted"] == 2 and gc["errors"] == 0, gc
    assert chunk_rows(server) == {} and shard_files(server) == {}
    assert location_dirs(server) == {}, "GC left empty location folders"


def test_concurrent_puts_of_new_content_store_one_copy(start_server):
    server = start_server()
    c = server.client()
    b = new_bucket(c, "race")
    data = os.urandom(9 * MiB)
    n = 4
    clients = [server.client() for _ in range(n)]
    barrier = threading.Barrier(n)
    errors = []

    def put(i):
        barrier.wait()
        try:
            clients[i].put_object(Bucket=b, Key=f"k{i}", Body=data)
        except Exception as e:  # noqa: BLE001
            errors.append(f"k{i}: {e!r}")

    threads = [threading.Thread(target=put, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    rows = chunk_rows(server)
    assert len(rows) == 3 and all(r["refcount"] == n for r in rows.values()), rows
    for i in range(n):
        entries = object_row(server, b, f"k{i}")["entries"]
        assert [e["location"] for e in entries] == \
            [rows[e["hash"]]["location"] for e in entries], f"k{i} names a losing copy"
        assert_reads_back(c, b, f"k{i}", data)
    # Writers that lost the race delete their copies.
    deadline = time.monotonic() + 5
    while set(location_dirs(server)) != {r["location"] for r in rows.values()} \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert set(location_dirs(server)) == {r["location"] for r in rows.values()}, \
        "copies stored by the PUTs that lost the race are still on the drives"
    assert len(shard_files(server)) == 3 * (K + M)
    assert temp_files(server) == []


# --------------------------------------------------------------------------
# content-defined chunking
# --------------------------------------------------------------------------

@pytest.mark.parametrize("chunker", ["fastcdc", "fixed"])
def test_shifted_content_dedups_only_with_fastcdc(start_server, chunker):
    server = start_server("--chunker", chunker)
    c = server.client()
    b = new_bucket(c, "cdc")
    a = os.urandom(24 * MiB)
    shifted = a[:MiB] + os.urandom(100) + a[MiB:]

    c.put_object(Bucket=b, Key="a", Body=a)
    rows_a = chunk_rows(server)
    files_a = len(shard_files(server))
    entries_a = object_row(server, b, "a")["entries"]
    c.put_object(Bucket=b, Key="shifted", Body=shifted)
    rows_b = chunk_rows(server)
    entries_b = object_row(server, b, "shifted")["entries"]

    hashes_b = {e["hash"] for e in entries_b}
    new = set(rows_b) - set(rows_a)
    assert new == hashes_b - set(rows_a), "new chunk rows that the second object does not use"
    assert len(shard_files(server)) == files_a + len(new) * (K + M)
    sizes_a = [e["length"] for e in entries_a]
    assert sum(sizes_a) == len(a) and max(sizes_a) <= CHUNK
    assert sum(e["length"] for e in entries_b) == len(shifted)
    if chunker == "fastcdc":
        # min 256 KiB / avg 1 MiB / max 4 MiB: about 20 chunks for 24 MiB.
        assert 10 <= len(entries_a) <= 48, sizes_a
        assert min(sizes_a[:-1]) >= 256 * KiB, sizes_a
        assert len(new) <= 3, (
            f"{len(new)} of {len(entries_b)} chunks new after a 100-byte insert "
            f"(first object: {len(entries_a)} chunks)")
    else:
        assert sizes_a == [CHUNK] * 6, sizes_a
        assert len(entries_b) == 7
        # Every fixed 4 MiB window after the insert is shifted: nothing shared.
        assert new == hashes_b, f"{len(hashes_b) - len(new)} chunks shared with fixed chunking"
    assert_reads_back(c, b, "a", a)
    assert_reads_back(c, b, "shifted", shifted)
    assert_range(c, b, "shifted", shifted, MiB - 50, MiB + 5 * 50)


def test_restart_with_other_chunker_and_erasure_reads_everything(start_server):
    """Manifests carry K, M and the chunk boundaries: a restart with another
    --chunker and --erasure reads old objects, dedups against old chunks,
    and stores new chunks the new way."""
    server = start_server()
    c = server.client()
    b = new_bucket(c, "reconfig")
    old = os.urandom(9 * MiB)
    c.put_object(Bucket=b, Key="old", Body=old)
    old_files = set(shard_files(server))

    server.extra_args = ("--chunker", "fastcdc", "--erasure", "2+1")
    server.restart()
    c = server.client()
    assert_reads_back(c, b, "old", old)
    assert_range(c, b, "old", old, CHUNK - 1, CHUNK)
    # New content is cut by FastCDC and coded 2+1.
    new = os.urandom(6 * MiB)
    c.put_object(Bucket=b, Key="new", Body=new)
    rows = chunk_rows(server)
    new_entries = object_row(server, b, "new")["entries"]
    assert all((rows[e["hash"]]["data_shards"], rows[e["hash"]]["parity_shards"]) == (2, 1)
               for e in new_entries), new_entries
    by_loc = shards_by_location(server)
    for e in new_entries:
        assert sorted(by_loc[e["location"]], key=int) == ["0", "1", "2"], by_loc[e["location"]]
        for (rel,) in by_loc[e["location"]].values():
            assert (server.data_dir / rel).stat().st_size == shard_file_size(e["size"], 2), rel
    # A copy of an old object under the new settings writes nothing.
    files = set(shard_files(server))
    c.copy_object(Bucket=b, Key="old-copy", CopySource={"Bucket": b, "Key": "old"})
    assert set(shard_files(server)) == files and old_files <= files
    heal = heal_pass(server)
    assert heal["shards_missing"] == 0 and heal["shards_corrupt"] == 0, heal
    assert heal["chunks_unrecoverable"] == 0, heal
    for key, data in (("old", old), ("new", new), ("old-copy", old)):
        assert_reads_back(c, b, key, data)


# --------------------------------------------------------------------------
# inline small objects
# --------------------------------------------------------------------------

def test_small_objects_are_inline(start_server):
    server = start_server()
    c = server.client()
    b = new_bucket(c, "inline")
    objects = {f"size-{n}": os.urandom(n) for n in (0, 1, 1000, DEFAULT_INLINE_THRESHOLD)}
    for key, data in objects.items():
        c.put_object(Bucket=b, Key=key, Body=data)
    assert shard_files(server) == {}, "an object of at most 32 KiB got shard files"
    assert chunk_rows(server) == {}, "an object of at most 32 KiB got chunk rows"
    for key, data in objects.items():
        row = object_row(server, b, key)
        assert row["entries"] == [], key
        assert bytes(row["inline_data"] or b"") == data, f"{key}: inline_data differs"
        assert_reads_back(c, b, key, data)
    big = objects["size-32768"]
    assert_range(c, b, "size-32768", big, 100, 20000)
    c.copy_object(Bucket=b, Key="copy-32768", CopySource={"Bucket": b, "Key": "size-32768"})
    assert_reads_back(c, b, "copy-32768", big)
    assert shard_files(server) == {}
    stats = storage_stats(server)
    inline_total = 1 + 1000 + 2 * DEFAULT_INLINE_THRESHOLD
    assert stats["inline_bytes"] == inline_total and stats["chunks"] == 0, stats

    over = os.urandom(DEFAULT_INLINE_THRESHOLD + 1)
    c.put_object(Bucket=b, Key="size-32769", Body=over)
    rows = chunk_rows(server)
    assert len(rows) == 1 and next(iter(rows.values()))["size"] == len(over), rows
    assert len(shard_files(server)) == K + M
    assert object_row(server, b, "size-32769")["inline_data"] in (None, b"")
    assert_reads_back(c, b, "size-32769", over)
    stats = storage_stats(server)
    assert stats["inline_bytes"] == inline_total, stats
    assert stats["logical_bytes"] == inline_total + len(over), stats


def test_inline_threshold_zero_stores_every_byte_in_chunks(start_server):
    server = start_server("--inline-threshold", "0")
    c = server.client()
    b = new_bucket(c, "noinline")
    one = os.urandom(1)
    c.put_object(Bucket=b, Key="one", Body=one)
    c.put_object(Bucket=b, Key="empty", Body=b"")
    rows = chunk_rows(server)
    assert len(rows) == 1 and next(iter(rows.values()))["size"] == 1, rows
    assert len(shard_files(server)) == K + M
    assert_reads_back(c, b, "one", one)
    assert_reads_back(c, b, "empty", b"")


def test_inline_bodies_larger_than_an_io_thread_answer_still_read_back(start_server):
    # With the embedded store, GET/HEAD of inline objects are answered on the
    # connection's I/O thread, which takes whole bodies of at most 64 KiB; an
    # inline body above that (a raised --inline-threshold) goes to a worker.
    server = start_server("--inline-threshold", str(MiB))
    c = server.client()
    b = new_bucket(c, "biginline")
    objects = {f"size-{n}": os.urandom(n)
               for n in (0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, MiB)}
    for key, data in objects.items():
        c.put_object(Bucket=b, Key=key, Body=data)
    assert chunk_rows(server) == {}  # every body inline
    for key, data in objects.items():
        assert_reads_back(c, b, key, data)
        assert c.head_object(Bucket=b, Key=key)["ContentLength"] == len(data)
        if len(data) > 1:
            assert_range(c, b, key, data, 1, len(data) - 1)
    # Many reads at once over both paths, on a few connections each.
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in pool.map(lambda kv: assert_reads_back(c, b, kv[0], kv[1]),
                          list(objects.items()) * 8):
            pass


# --------------------------------------------------------------------------
# healing
# --------------------------------------------------------------------------

HEAL_SIZES = {"tiny": 1000, "a33k": 33 * KiB, "b4m": CHUNK + 17, "c9m": 9 * MiB,
              "d13m": 13 * MiB + 5}


def put_heal_set(client, bucket):
    new_bucket(client, bucket)
    objects = {key: os.urandom(n) for key, n in HEAL_SIZES.items()}
    for key, data in objects.items():
        client.put_object(Bucket=bucket, Key=key, Body=data)
    return objects


def read_all_with_ranges(client, bucket, objects):
    for key, data in objects.items():
        assert_reads_back(client, bucket, key, data)
    big = objects["d13m"]
    for first, last in [(CHUNK - 100, 2 * CHUNK + 100),   # across two boundaries
                        (0, CHUNK),                       # one byte into chunk 2
                        (CHUNK, CHUNK),                   # first byte of chunk 2
                        (3 * CHUNK - 1, len(big) - 1),    # tail chunk
                        (12345, 12345 + 3 * CHUNK)]:      # across three
        assert_range(client, bucket, "d13m", big, first, last)


def assert_shards_restored(server, before, what):
    after = shard_digests(server)
    missing = sorted(set(before) - set(after))
    assert not missing, f"{what}: {len(missing)} shard files not rebuilt: {missing[:5]}"
    extra = sorted(set(after) - set(before))
    assert not extra, f"{what}: unexpected shard files: {extra[:5]}"
    differ = sorted(rel for rel in before if after[rel] != before[rel])
    assert not differ, f"{what}: rebuilt shard files differ from the originals: {differ[:5]}"


def test_two_drives_deleted_then_healed_byte_identical(start_server):
    server = start_server()
    c = server.client()
    objects = put_heal_set(c, "heal")
    before = shard_digests(server)
    assert len({location_of(rel) for rel in before}) == 10  # 1 + 2 + 3 + 4 chunks
    for drive in range(1, 7):
        n = sum(rel.startswith(f"drive{drive}/") for rel in before)
        assert n == 10, f"drive{drive} holds {n} shard files, expected one per chunk"

    # 1. The heal pass alone (no read has seen the loss) rebuilds two drives.
    for drive in (1, 3):
        shutil.rmtree(server.data_dir / f"drive{drive}")
    heal = heal_pass(server)
    assert heal["shards_missing"] == 20 and heal["shards_rebuilt"] == 20, heal
    assert heal["chunks_unrecoverable"] == 0 and heal["chunks_checked"] >= 10, heal
    assert_shards_restored(server, before, "heal pass after drive1 and drive3 were deleted")

    # 2. Two other drives: reads (whole and ranged, across chunk boundaries)
    #    rebuild from parity and queue the chunks; then a heal pass.
    for drive in (2, 5):
        shutil.rmtree(server.data_dir / f"drive{drive}")
    read_all_with_ranges(c, "heal", objects)
    stats = storage_stats(server)
    assert stats["reconstructions"] > 0, stats
    heal = heal_pass(server)
    print(f"two drives lost: stats after reads {stats}; heal {heal}")
    assert heal["shards_rebuilt"] == 40 and heal["chunks_unrecoverable"] == 0, heal
    assert_shards_restored(server, before, "drive2 and drive5 deleted, read, healed")
    assert storage_stats(server)["heal"]["shards_rebuilt"] == 40
    assert temp_files(server) == []
    read_all_with_ranges(c, "heal", objects)


def test_bitrot_detected_on_read_and_healed(start_server):
    server = start_server()
    c = server.client()
    objects = put_heal_set(c, "bitrot")
    before = shard_digests(server)
    by_loc = shards_by_location(server)
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    corrupted = []
    # Per chunk at most M = 2 bad shards. Patterns: one data shard; a data
    # and a parity shard; two data shards; parity only (reads do not see it,
    # the heal pass must).
    patterns = [("d",), ("d", "p"), ("d", "d"), ("p",)]
    for n, (loc, shards) in enumerate(sorted(by_loc.items())):
        data_idx = [i for i in shards if int(i) < K]
        parity_idx = [i for i in shards if int(i) >= K]
        pick = rng.sample(data_idx, patterns[n % 4].count("d")) + \
            rng.sample(parity_idx, patterns[n % 4].count("p"))
        for index in pick:
            (rel,) = shards[index]
            flip_bytes(server.data_dir / rel, rng)
            corrupted.append(rel)
    assert len(by_loc) >= 4

    read_all_with_ranges(c, "bitrot", objects)
    stats = storage_stats(server)
    assert stats["corruptions_found"] > 0, stats

    heal = heal_pass(server)
    print(f"bitrot: {len(corrupted)} shard files corrupted; stats {stats}; heal {heal}")
    assert_shards_restored(server, before, f"{len(corrupted)} shard files corrupted, healed")
    # Reads queue what they found; the pass finds the rest (parity-only rot).
    assert heal["shards_corrupt"] == len(corrupted), heal
    assert heal["shards_rebuilt"] == len(corrupted), heal
    assert heal["chunks_unrecoverable"] == 0 and heal["shards_missing"] == 0, heal
    read_all_with_ranges(c, "bitrot", objects)


def kill_drive(server, drive):
    """A dead disk: the drive folder replaced by a regular file, so every
    I/O on it fails (a deleted folder would simply be created again)."""
    path = server.data_dir / f"drive{drive}"
    shutil.rmtree(path)
    path.write_bytes(b"dead disk")


def test_write_quorum_with_failed_drives_then_healed(start_server):
    server = start_server()
    c = server.client()
    b = new_bucket(c, "quorum")
    before = os.urandom(5 * MiB)
    c.put_object(Bucket=b, Key="before", Body=before)

    # Two dead drives: 4+2 still writes (quorum K = 4), with two shards missing.
    kill_drive(server, 5)
    kill_drive(server, 6)
    degraded = os.urandom(9 * MiB)
    c.put_object(Bucket=b, Key="degraded", Body=degraded)
    assert_reads_back(c, b, "degraded", degraded)
    entries = object_row(server, b, "degraded")["entries"]
    by_loc = shards_by_location(server)
    for e in entries:
        assert len(by_loc.get(e["location"], {})) == K, (e, by_loc.get(e["location"]))
    drives = storage_stats(server)["drives"]
    assert [d["online"] for d in drives] == [True] * 4 + [False] * 2, drives
    assert drives[4]["errors"] > 0 and drives[5]["errors"] > 0, drives

    # A third drive fails (its folder moved aside, a file in its place, so
    # its shards come back later): below the quorum a PUT fails and leaves
    # nothing.
    drive4 = server.data_dir / "drive4"
    drive4.rename(server.data_dir / "drive4.away")
    drive4.write_bytes(b"dead disk")
    rows = chunk_rows(server)
    files = set(shard_files(server))
    with pytest.raises(Exception) as ei:
        c.put_object(Bucket=b, Key="failed", Body=os.urandom(9 * MiB))
    status = getattr(ei.value, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
    assert status is not None and status >= 500, f"PUT below the write quorum: {ei.value!r}"
    assert object_absent(c, b, "failed")
    assert chunk_rows(server) == rows, "a failed PUT left chunk rows"
    assert set(shard_files(server)) == files, "a failed PUT left shard files"
    assert temp_files(server) == []
    # Inline objects need no drive.
    tiny = os.urandom(1000)
    c.put_object(Bucket=b, Key="tiny", Body=tiny)
    assert_reads_back(c, b, "tiny", tiny)

    # drive4 back; drive5 and drive6 replaced by empty disks. A restart
    # forgets the failures at once instead of after the 10 s retry interval.
    drive4.unlink()
    (server.data_dir / "drive4.away").rename(drive4)
    for drive in (5, 6):
        (server.data_dir / f"drive{drive}").unlink()
    server.restart()
    c = server.client()
    heal = heal_pass(server)
    # Two shards missing for each of the 2 + 3 chunks.
    assert heal["shards_missing"] == 10 and heal["shards_rebuilt"] == 10, heal
    assert heal["chunks_unrecoverable"] == 0, heal
    rows = chunk_rows(server)
    by_loc = shards_by_location(server)
    assert set(by_loc) == {r["location"] for r in rows.values()}
    for h, r in rows.items():
        assert sorted(by_loc[r["location"]], key=int) == [str(i) for i in range(K + M)], h
    for key, data in (("before", before), ("degraded", degraded), ("tiny", tiny)):
        assert_reads_back(c, b, key, data)


def test_truncated_and_bad_header_shards_are_healed(start_server):
    server = start_server()
    c = server.client()
    b = new_bucket(c, "damage")
    data = os.urandom(2 * CHUNK + 12345)
    c.put_object(Bucket=b, Key="x", Body=data)
    before = shard_digests(server)
    by_loc = shards_by_location(server)
    locs = [e["location"] for e in object_row(server, b, "x")["entries"]]
    assert len(locs) == 3

    def path(loc, index):
        (rel,) = by_loc[loc][str(index)]
        return server.data_dir / rel

    # chunk 0: a flipped header byte (header checksum) and an empty file
    p = path(locs[0], 0)
    raw = bytearray(p.read_bytes())
    raw[30] ^= 0x01  # chunk_size field
    p.write_bytes(bytes(raw))
    path(locs[0], 2).write_bytes(b"")
    # chunk 1: a data shard cut short mid-block, a parity shard cut to its header
    p = path(locs[1], 1)
    p.write_bytes(p.read_bytes()[:SHARD_HEADER_SIZE + 70000])
    p = path(locs[1], 4)
    p.write_bytes(p.read_bytes()[:SHARD_HEADER_SIZE])
    # chunk 2: a shard with bytes appended
    p = path(locs[2], 3)
    p.write_bytes(p.read_bytes() + b"\0" * 100)

    assert_reads_back(c, b, "x", data)
    assert_range(c, b, "x", data, CHUNK - 5, 2 * CHUNK + 5)
    heal = heal_pass(server)
    assert heal["chunks_unrecoverable"] == 0, heal
    assert_shards_restored(server, before, "damaged shard files healed")
    assert_reads_back(c, b, "x", data)


# --------------------------------------------------------------------------
# garbage collection
# --------------------------------------------------------------------------

def test_gc_reclaims_overwritten_and_deleted_chunks(start_server):
    server = start_server("--gc-grace", "0", "--gc-interval", "100000")
    c = server.client()
    b = new_bucket(c, "reclaim")
    a1, bb, a2 = (os.urandom(10 * MiB) for _ in range(3))
    c.put_object(Bucket=b, Key="a", Body=a1)
    c.put_object(Bucket=b, Key="b", Body=bb)
    c.put_object(Bucket=b, Key="a", Body=a2)  # overwrite
    c.delete_object(Bucket=b, Key="b")
    stats = storage_stats(server)
    assert stats["chunks"] == 9 and stats["unreferenced_chunks"] == 6, stats
    orphan = plant_orphan(server, drive=3, age_s=10)

    gc = run_gc(server)
    assert gc["chunks_deleted"] == 6 and gc["orphans_deleted"] == 1, gc
    # bytes_reclaimed counts the deleted chunks' content bytes; orphans add
    # nothing (storage/gc/garbage_collector.h).
    assert gc["errors"] == 0 and gc["bytes_reclaimed"] == 20 * MiB, gc
    assert not orphan.exists(), "orphan shard folder survived GC with --gc-grace 0"

    rows = chunk_rows(server)
    live = object_row(server, b, "a")["entries"]
    assert set(rows) == {e["hash"] for e in live}
    assert all(r["refcount"] == 1 for r in rows.values()), rows
    assert set(shards_by_location(server)) == {r["location"] for r in rows.values()}
    empty = sorted(set(location_dirs(server)) - set(shards_by_location(server)))
    assert not empty, f"GC left {len(empty)} empty location folders: {empty[:5]}"
    on_disk = shard_bytes(server)
    assert on_disk == expected_shard_bytes(rows)
    assert 10 * MiB * 1.5 <= on_disk <= 10 * MiB * 1.5 * 1.02, on_disk
    stats = storage_stats(server)
    assert stats["unreferenced_chunks"] == 0 and stats["chunks"] == 3, stats
    assert stats["chunk_bytes"] == 10 * MiB and stats["logical_bytes"] == 10 * MiB, stats
    assert_reads_back(c, b, "a", a2)
    assert object_absent(c, b, "b")
    again = run_gc(server)
    assert again["chunks_deleted"] == 0 and again["orphans_deleted"] == 0, again


def test_abandoned_upload_leaves_nothing_gc_cannot_remove(start_server):
    server = start_server("--gc-grace", "0", "--gc-interval", "100000")
    c = server.client()
    b = new_bucket(c, "abandon")
    keep = os.urandom(5 * MiB)
    c.put_object(Bucket=b, Key="keep", Body=keep)
    rows = chunk_rows(server)
    files = set(shard_files(server))

    # 9 of 13 MiB sent (two whole chunks), then the client goes away.
    path = quote_path(b, "abandoned")
    headers = sign_request("PUT", server.endpoint + path, access_key=server.access_key,
                           secret_key=server.secret_key,
                           headers={"Content-Length": str(13 * MiB)},
                           payload_hash=UNSIGNED_PAYLOAD)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(build_raw_head("PUT", path, {"Host": server.host_port, **headers}))
    sock.sendall(os.urandom(9 * MiB))
    time.sleep(1.0)
    sock.close()
    # Let the server notice: the drives stop changing and tmp/ empties.
    deadline = time.monotonic() + 15
    state, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = (set(location_dirs(server)), tuple(temp_files(server)))
        if now != state:
            state, stable_since = now, time.monotonic()
        elif not now[1] and time.monotonic() - stable_since >= 1.0:
            break
        time.sleep(0.2)

    assert object_absent(c, b, "abandoned")
    assert chunk_rows(server) == rows, "an abandoned upload left chunk rows"
    assert temp_files(server) == []
    left = set(location_dirs(server)) - {r["location"] for r in rows.values()}
    gc = run_gc(server)
    print(f"abandoned upload: {len(left)} uncommitted locations left on the drives; gc {gc}")
    assert gc["chunks_deleted"] == 0 and gc["errors"] == 0, gc
    assert set(shard_files(server)) == files
    assert set(location_dirs(server)) == {r["location"] for r in rows.values()}
    assert_reads_back(c, b, "keep", keep)


def test_gc_grace_keeps_recent_garbage_and_dedup_revives_it(start_server):
    server = start_server()  # default --gc-grace 3600
    c = server.client()
    b = new_bucket(c, "grace")
    data = os.urandom(5 * MiB)
    c.put_object(Bucket=b, Key="first", Body=data)
    files = shard_digests(server)
    c.delete_object(Bucket=b, Key="first")
    fresh_orphan = plant_orphan(server, drive=2)
    old_orphan = plant_orphan(server, drive=4, age_s=2 * 3600)

    stats = storage_stats(server)
    assert stats["unreferenced_chunks"] == 2 and stats["objects"] == 0, stats
    gc = run_gc(server)
    assert gc["chunks_deleted"] == 0, f"GC deleted chunks unreferenced for < grace: {gc}"
    assert gc["orphans_deleted"] == 1 and gc["errors"] == 0, gc
    assert fresh_orphan.exists(), "GC deleted an orphan younger than the grace period"
    assert not old_orphan.exists(), "GC kept an orphan older than the grace period"
    fresh_orphan_files = {str(p.relative_to(server.data_dir)) for p in fresh_orphan.iterdir()}
    assert set(shard_digests(server)) == set(files) | fresh_orphan_files

    # The same content again: refers to the waiting chunks, writes nothing.
    before = set(shard_files(server))
    c.put_object(Bucket=b, Key="second", Body=data)
    assert set(shard_files(server)) == before, "a PUT of stored content wrote shard files"
    assert all(shard_digests(server)[rel] == digest for rel, digest in files.items())
    rows = chunk_rows(server)
    assert len(rows) == 2 and all(r["refcount"] == 1 for r in rows.values()), rows
    assert storage_stats(server)["unreferenced_chunks"] == 0
    assert run_gc(server)["chunks_deleted"] == 0
    assert_reads_back(c, b, "second", data)


# --------------------------------------------------------------------------
# crash consistency
# --------------------------------------------------------------------------

CRASH_ROUNDS = 4
CRASH_THREADS = 4


def test_kill9_during_puts_keeps_metadata_and_drives_consistent(start_server):
    seed = int.from_bytes(os.urandom(4), "big")
    print(f"crash test seed {seed}")
    rng = random.Random(seed)
    server = start_server("--gc-grace", "0", "--gc-interval", "100000")
    b = new_bucket(server.client(), "crash")
    # Repeated content, so concurrent PUTs dedup (and race to store) chunks.
    pool = [os.urandom(KiB), os.urandom(MiB), os.urandom(MiB), os.urandom(5 * MiB),
            os.urandom(5 * MiB)]
    attempted = {}   # key -> (size, sha256) of every PUT sent
    acked = {}       # key -> (size, sha256) of every PUT answered 200
    errors = []      # failures while the server was meant to be up
    lock = threading.Lock()

    def worker(client, rnd, t, stop, wrng):
        n = 0
        while not stop.is_set():
            key = f"r{rnd}/t{t}/{n}"
            n += 1
            roll = wrng.random()
            if roll < 0.4:
                data = wrng.choice(pool)
            else:
                data = os.urandom(KiB if roll < 0.6 else MiB if roll < 0.85 else 5 * MiB)
            meta = (len(data), sha256(data))
            with lock:
                attempted[key] = meta
            try:
                client.put_object(Bucket=b, Key=key, Body=data)
            except Exception as e:  # noqa: BLE001 - connection errors after the kill
                if not stop.is_set():
                    with lock:
                        errors.append(f"{key}: {e!r}")
                continue
            with lock:
                acked[key] = meta

    for rnd in range(CRASH_ROUNDS):
        if rnd:
            server.restart()
            assert temp_files(server) == [], "driveN/tmp/ not cleared on startup"
        clients = [server.client() for _ in range(CRASH_THREADS)]
        stop = threading.Event()
        threads = [threading.Thread(target=worker,
                                    args=(clients[t], rnd, t, stop, random.Random(rng.random())))
                   for t in range(CRASH_THREADS)]
        for th in threads:
            th.start()
        time.sleep(rng.uniform(1.0, 3.0))
        stop.set()
        server.kill()
        for th in threads:
            th.join(timeout=60)
        assert not any(th.is_alive() for th in threads)
    assert not errors, f"PUTs failed while the server was up: {errors[:5]}"
    assert acked, "no PUT was acknowledged in any round"

    server.restart()
    c = server.client()
    assert temp_files(server) == [], "driveN/tmp/ not cleared on startup"

    # Every acknowledged PUT is there, byte for byte; anything else listed
    # was at least attempted and holds exactly what was sent.
    listed = set(list_keys(c, b))
    lost = sorted(set(acked) - listed)
    assert not lost, f"{len(lost)} acknowledged objects missing: {lost[:5]}"
    unknown = sorted(listed - set(attempted))
    assert not unknown, f"listed keys never sent: {unknown[:5]}"
    for key in sorted(listed):
        assert get_digest(c, b, key) == attempted[key], f"{key}: wrong content"

    # Metadata: refcounts are exactly the manifest entries naming each chunk;
    # entries agree with their chunk rows; bodies are inline xor manifest.
    rows = chunk_rows(server)
    objs = [r for r in object_rows(server) if r["bucket"] == b]
    assert {r["key"] for r in objs} == listed
    refs = Counter()
    for r in objs:
        if r["size"] <= DEFAULT_INLINE_THRESHOLD:
            assert r["entries"] == [] and len(bytes(r["inline_data"] or b"")) == r["size"], r["key"]
            continue
        assert r["inline_data"] in (None, b"") and r["entries"], r["key"]
        assert sum(e["length"] for e in r["entries"]) == r["size"], r["key"]
        for e in r["entries"]:
            row = rows.get(e["hash"])
            assert row is not None, f"{r['key']}: manifest names chunk {e['hash']} with no row"
            assert (e["location"], e["size"]) == (row["location"], row["size"]), r["key"]
            refs[e["hash"]] += 1
    wrong = {h: (row["refcount"], refs[h]) for h, row in rows.items()
             if row["refcount"] != refs[h]}
    assert not wrong, f"refcount != manifest entries (refcount, entries): {list(wrong.items())[:5]}"

    stats = storage_stats(server)
    assert stats["unreferenced_chunks"] == 0, stats  # nothing was deleted or overwritten
    sizes = [r["size"] for r in objs]
    assert stats["objects"] == len(objs) and stats["logical_bytes"] == sum(sizes), stats
    assert stats["inline_bytes"] == sum(s for s in sizes if s <= DEFAULT_INLINE_THRESHOLD), stats
    assert stats["chunks"] == len(rows), stats
    assert stats["chunk_bytes"] == sum(r["size"] for r in rows.values()), stats

    # GC (grace 0) removes exactly the shard folders of writes that never
    # committed, and no chunk (all are referenced).
    row_locations = {r["location"] for r in rows.values()}
    orphans = set(shards_by_location(server)) - row_locations
    # A crash between creating a location folder and renaming the first
    # shard into it leaves an empty folder: the scan may count it or not.
    empty_orphans = set(location_dirs(server)) - row_locations - orphans
    gc = run_gc(server)
    print(f"crash: {len(attempted)} PUTs sent, {len(acked)} acknowledged, {len(listed)} "
          f"stored, {len(rows)} chunks, {len(orphans)} orphan locations with files, "
          f"{len(empty_orphans)} empty; gc {gc}")
    assert gc["chunks_deleted"] == 0 and gc["errors"] == 0, gc
    assert len(orphans) <= gc["orphans_deleted"] <= len(orphans) + len(empty_orphans), (
        gc, len(orphans), len(empty_orphans))
    assert set(chunk_rows(server)) == set(rows)
    on_drives = shards_by_location(server)
    assert set(on_drives) == row_locations, (
        f"locations without rows: {sorted(set(on_drives) - row_locations)[:5]}, "
        f"rows without shards: {sorted(row_locations - set(on_drives))[:5]}")
    left = sorted(set(location_dirs(server)) - row_locations)
    assert not left, f"GC left {len(left)} location folders no row names: {left[:5]}"
    assert temp_files(server) == []

    # Every committed chunk has all K+M shards (kill -9 loses no page cache),
    # each complete, one per drive, its header naming the chunk.
    for h, row in rows.items():
        shards = on_drives[row["location"]]
        k, m = row["data_shards"], row["parity_shards"]
        assert sorted(shards, key=int) == [str(i) for i in range(k + m)], (h, shards)
        drives = [p[0].split("/")[0] for p in shards.values()]
        assert len(set(drives)) == k + m and all(len(p) == 1 for p in shards.values()), shards
        for index, (rel,) in shards.items():
            path = server.data_dir / rel
            hdr = shard_header(path)
            assert hdr["magic"] == b"STRSHARD" and hdr["shard_index"] == int(index), rel
            assert hdr["chunk_hash"] == h and hdr["chunk_size"] == row["size"], rel
            assert path.stat().st_size == shard_file_size(row["size"], k), rel

    heal = heal_pass(server)
    assert heal["shards_missing"] == 0 and heal["shards_corrupt"] == 0, heal
    assert heal["chunks_unrecoverable"] == 0 and heal["shards_rebuilt"] == 0, heal

    # Dedup still works after the crashes: stored content writes no shards.
    stored = sha256(pool[3]) in {attempted[key][1] for key in listed}
    before = set(shard_files(server))
    c.put_object(Bucket=b, Key="after/pool", Body=pool[3])
    if stored:
        assert set(shard_files(server)) == before, "a PUT of stored content wrote shard files"
    assert_reads_back(c, b, "after/pool", pool[3])
