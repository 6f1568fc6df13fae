"""Erasure coding against the real binary: objects survive the loss of any
two of six drives and corrupted shard files, and fail cleanly (never wrong
bytes) past that. Each test runs its own server, since it destroys drives.

Objects of at most 32 KiB (the default --inline-threshold) live inline in
their metadata row and have no shard files: the shard assertions use larger
sizes, the small ones are checked for content only (and, living in the
metadata, must survive any number of lost drives)."""
import random
import shutil

import pytest
from botocore.exceptions import ClientError

from conftest import _start
from strata_helpers import DEFAULT_INLINE_THRESHOLD, SHARD_HEADER_SIZE, random_bytes, sha256

MiB = 1024 * 1024

# Sizes around the 4 MiB chunk boundary, just above the inline threshold
# (one small chunk), and inline objects (content checks only).
SIZES = {"empty": 0, "small": 1000, "inline-max": DEFAULT_INLINE_THRESHOLD,
         "mid": 33 * 1024, "two-chunks": 4 * MiB + 17, "three-chunks": 9 * MiB}
# Objects with shard files: 1 + 2 + 3 chunks.
SHARDED_CHUNKS = 6


@pytest.fixture
def ec_server(tmp_path_factory, request):
    server = _start(tmp_path_factory, "ec-" + request.node.name[:20])
    yield server
    server.stop()


def put_all(client, bucket):
    client.create_bucket(Bucket=bucket)
    digests = {}
    for key, size in SIZES.items():
        data = random_bytes(size)
        client.put_object(Bucket=bucket, Key=key, Body=data)
        digests[key] = sha256(data)
    return digests


def assert_all_readable(client, bucket, digests):
    for key, digest in digests.items():
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert sha256(body) == digest, key


def shard_files(server, drive):
    """Committed shard files on one drive: driveN/chunks/<loc[0:2]>/<loc>/<index>."""
    return sorted(p for p in (server.data_dir / f"drive{drive}" / "chunks").rglob("*")
                  if p.is_file())


def test_every_drive_carries_shards(ec_server):
    c = ec_server.client("path")
    digests = put_all(c, "spread")
    for drive in range(1, 7):
        files = shard_files(ec_server, drive)
        # 4+2 over six drives: one shard of every chunk on every drive.
        assert len(files) == SHARDED_CHUNKS, (
            f"drive{drive}: {len(files)} shard files, expected {SHARDED_CHUNKS}: {files}")
    assert_all_readable(c, "spread", digests)


def test_two_drives_deleted_lose_nothing(ec_server):
    c = ec_server.client("path")
    digests = put_all(c, "survive")
    data = random_bytes(9 * MiB)
    c.put_object(Bucket="survive", Key="ranged", Body=data)
    for drive in (2, 5):
        shutil.rmtree(ec_server.data_dir / f"drive{drive}")
    assert_all_readable(c, "survive", digests)
    start, end = 4 * MiB - 100, 8 * MiB + 100  # across both chunk boundaries
    part = c.get_object(Bucket="survive", Key="ranged", Range=f"bytes={start}-{end}")["Body"].read()
    assert part == data[start:end + 1]
    # Writes go on. (A deleted drive folder is created again on write; writes
    # with failing drives, within and below the quorum, are in
    # test_storage_engine.py.)
    fresh = random_bytes(5 * MiB)
    c.put_object(Bucket="survive", Key="after-loss", Body=fresh)
    assert sha256(c.get_object(Bucket="survive", Key="after-loss")["Body"].read()) == sha256(fresh)


def test_corrupted_shards_are_rebuilt_on_read(ec_server):
    c = ec_server.client("path")
    digests = put_all(c, "bitrot")
    rng = random.Random(7)
    corrupted = 0
    for drive in (1, 4):
        for path in shard_files(ec_server, drive):
            raw = bytearray(path.read_bytes())
            for _ in range(3):
                # past the 80-byte header: payload and checksums
                i = rng.randrange(SHARD_HEADER_SIZE, len(raw))
                raw[i] ^= 0xFF
            path.write_bytes(bytes(raw))
            corrupted += 1
    # Two shards of each of the six chunks.
    assert corrupted == 2 * SHARDED_CHUNKS
    assert_all_readable(c, "bitrot", digests)


def test_three_drives_lost_fail_cleanly(ec_server):
    c = ec_server.client("path")
    data = random_bytes(5 * MiB)
    tiny = random_bytes(1000)
    c.create_bucket(Bucket="lost")
    c.put_object(Bucket="lost", Key="k", Body=data)
    c.put_object(Bucket="lost", Key="tiny", Body=tiny)
    for drive in (1, 3, 6):
        shutil.rmtree(ec_server.data_dir / f"drive{drive}")
    with pytest.raises(ClientError) as ei:
        c.get_object(Bucket="lost", Key="k")["Body"].read()
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 500
    # The server stays up and answers everything else.
    assert c.head_object(Bucket="lost", Key="k")["ContentLength"] == len(data)
    # An inline object lives in the metadata row: no drive is needed.
    assert c.get_object(Bucket="lost", Key="tiny")["Body"].read() == tiny
