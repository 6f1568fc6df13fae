"""ListObjectsV2 and ListObjects (v1) against a model: 10,000 random keys
(random depth; multi-byte UTF-8; characters that sort just before and after
'/'; keys that are prefixes of one another), then many random (prefix,
delimiter, max-keys, start-after) listings walked page by page and compared
with what a sorted Python list says.

The model (meta/list_walker.h states the same rules): the entries of a
listing are the keys under the prefix without a delimiter after it, plus the
distinct common prefixes, sorted by their UTF-8 bytes as S3 sorts; a page is
the next max-keys entries strictly greater than start-after (or the last
entry of the previous page).

STRATA_LIST_MODEL_SEED=<n> replays a run; the seed is in every failure
message."""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from strata_helpers import unique_bucket_name

KEY_COUNT = 10_000
# Characters around '/' (0x2F): ' ' 0x20, '!' 0x21, '-' 0x2D, '.' 0x2E,
# '0' 0x30; then letters, '~', and 2-, 3- and 4-byte UTF-8.
ALPHABET = list(" !-.0aAbZ~") + ["é", "ß", "中", "ｚ", "😀"]
DELIMITERS = ["/", "/", "/", "/", "", "", ".", "é", "a/"]
MAX_KEYS = [1, 2, 3, 5, 10, 37, 100, 999, 1000]
MAX_PAGES_PER_WALK = 30
V2_WALKS = 80
V1_WALKS = 30


def utf8(s: str) -> bytes:
    return s.encode("utf-8")


def random_keys(rng: random.Random, count: int) -> list[str]:
    keys: set[str] = set()

    def segment():
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 3)))

    while len(keys) < count:
        parts = [segment() for _ in range(rng.randint(1, 4))]
        key = "/".join(parts)
        if rng.random() < 0.1:
            key += "/"
        candidates = [key]
        # Keys that are prefixes of one another.
        if rng.random() < 0.2 and len(key) > 1:
            candidates.append(key[:rng.randint(1, len(key) - 1)])
        for k in candidates:
            segments = k.split("/")
            # Dot segments invite path normalization somewhere in a client.
            if any(s in (".", "..") for s in segments) or k.startswith("/"):
                continue
            if len(keys) < count:
                keys.add(k)
    return sorted(keys, key=utf8)


def entries_of(keys, prefix, delimiter):
    """The sorted entries of a listing: ("key", k) and ("prefix", p)."""
    seen_prefixes = set()
    entries = []
    for k in keys:
        if not k.startswith(prefix):
            continue
        if delimiter:
            i = k.find(delimiter, len(prefix))
            if i >= 0:
                cp = k[:i + len(delimiter)]
                if cp not in seen_prefixes:
                    seen_prefixes.add(cp)
                    entries.append(("prefix", cp))
                continue
        entries.append(("key", k))
    entries.sort(key=lambda e: utf8(e[1]))
    return entries


def after(entries, start_after):
    if not start_after:
        return entries
    bound = utf8(start_after)
    return [e for e in entries if utf8(e[1]) > bound]


def pages_of(entries, max_keys):
    return [entries[i:i + max_keys] for i in range(0, len(entries), max_keys)] or [[]]


# --------------------------------------------------------------------------
# Upload: anonymous PUTs (a bucket policy opens the bucket for the upload
# only) over keep-alive connections, several at once: the cheapest requests
# that still go through the real server's whole write path.
# --------------------------------------------------------------------------

def upload_keys(server, bucket, keys, workers=16):
    local = threading.local()

    def put(key):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        path = "/" + bucket + "/" + urllib.parse.quote(key, safe="/")
        for attempt in range(3):
            try:
                conn.request("PUT", path, body=b"", headers={"Content-Length": "0"})
                resp = conn.getresponse()
                body = resp.read()
                # 503 is S3's "retry later", which every SDK retries: on
                # PostgreSQL, 16 writers of neighbouring new keys can exhaust
                # the store's serialization retries on a starved machine.
                if resp.status == 503 and attempt < 2:
                    time.sleep(0.5 * (attempt + 1))
                    continue
                assert resp.status == 200, f"PUT {key!r}: {resp.status} {body[:300]!r}"
                return
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", server.port,
                                                               timeout=60)
                if attempt == 2:
                    raise

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(put, keys, chunksize=64))


@pytest.fixture(scope="module")
def model_bucket(strata):
    seed = int(os.environ.get("STRATA_LIST_MODEL_SEED", random.SystemRandom().randrange(1 << 30)))
    rng = random.Random(seed)
    keys = random_keys(rng, KEY_COUNT)
    s3 = strata.client()
    name = unique_bucket_name("list-model")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": f"arn:aws:s3:::{name}/*"}]}))
    started = time.monotonic()
    upload_keys(strata, name, keys)
    s3.delete_bucket_policy(Bucket=name)
    print(f"list model: seed {seed}, {len(keys)} keys uploaded in "
          f"{time.monotonic() - started:.1f} s")
    yield name, keys, seed, rng
    for i in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=name, Delete={
            "Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    s3.delete_bucket(Bucket=name)


def random_query(rng, keys):
    """(prefix, delimiter, start_after) biased toward interesting values:
    prefixes and start-afters cut from real keys, sometimes made up."""
    roll = rng.random()
    if roll < 0.2:
        prefix = ""
    elif roll < 0.85:
        k = rng.choice(keys)
        prefix = k[:rng.randint(1, len(k))]
    else:
        prefix = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 3)))
    delimiter = rng.choice(DELIMITERS)
    roll = rng.random()
    if roll < 0.6:
        start_after = ""
    elif roll < 0.9:
        k = rng.choice(keys)
        start_after = k[:rng.randint(1, len(k))]
    else:
        start_after = prefix + rng.choice(ALPHABET)
    return prefix, delimiter, start_after


def pick_max_keys(rng, entries):
    max_keys = rng.choice(MAX_KEYS)
    # Bound the walk: the rules are the same for a long walk, only slower.
    return max(max_keys, math.ceil(len(entries) / MAX_PAGES_PER_WALK))


def split(page):
    return ([v for kind, v in page if kind == "key"], [v for kind, v in page if kind == "prefix"])


def test_list_objects_v2_matches_the_model(strata, model_bucket):
    bucket, keys, seed, rng = model_bucket
    s3 = strata.client()
    for walk in range(V2_WALKS):
        prefix, delimiter, start_after = random_query(rng, keys)
        entries = after(entries_of(keys, prefix, delimiter), start_after)
        max_keys = pick_max_keys(rng, entries)
        what = (f"seed {seed}, walk {walk}: prefix={prefix!r} delimiter={delimiter!r} "
                f"max_keys={max_keys} start_after={start_after!r}")
        kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        if start_after:
            kwargs["StartAfter"] = start_after
        expected_pages = pages_of(entries, max_keys)
        for number, expected in enumerate(expected_pages):
            resp = s3.list_objects_v2(**kwargs)
            want_keys, want_prefixes = split(expected)
            got_keys = [c["Key"] for c in resp.get("Contents", [])]
            got_prefixes = [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
            where = f"{what}, page {number + 1}/{len(expected_pages)}"
            assert got_keys == want_keys, where
            assert got_prefixes == want_prefixes, where
            assert resp["KeyCount"] == len(expected), where
            last = number == len(expected_pages) - 1
            assert resp["IsTruncated"] is (not last), where
            if last:
                assert "NextContinuationToken" not in resp, where
                break
            kwargs["ContinuationToken"] = resp["NextContinuationToken"]


def test_list_objects_v1_matches_the_model(strata, model_bucket):
    bucket, keys, seed, rng = model_bucket
    s3 = strata.client()
    for walk in range(V1_WALKS):
        prefix, delimiter, marker = random_query(rng, keys)
        entries = after(entries_of(keys, prefix, delimiter), marker)
        max_keys = pick_max_keys(rng, entries)
        what = (f"seed {seed}, v1 walk {walk}: prefix={prefix!r} delimiter={delimiter!r} "
                f"max_keys={max_keys} marker={marker!r}")
        kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        if marker:
            kwargs["Marker"] = marker
        expected_pages = pages_of(entries, max_keys)
        for number, expected in enumerate(expected_pages):
            resp = s3.list_objects(**kwargs)
            want_keys, want_prefixes = split(expected)
            got_keys = [c["Key"] for c in resp.get("Contents", [])]
            got_prefixes = [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
            where = f"{what}, page {number + 1}/{len(expected_pages)}"
            assert got_keys == want_keys, where
            assert got_prefixes == want_prefixes, where
            assert resp.get("Marker", "") == kwargs.get("Marker", ""), where
            last = number == len(expected_pages) - 1
            assert resp["IsTruncated"] is (not last), where
            if last:
                break
            # NextMarker comes only with a delimiter (AWS); without one the
            # last key is the marker, as SDK paginators do.
            if delimiter:
                assert resp["NextMarker"] == expected[-1][1], where
                kwargs["Marker"] = resp["NextMarker"]
            else:
                kwargs["Marker"] = got_keys[-1]
