"""ListObjects V1 and V2: prefix, delimiter, CommonPrefixes, max-keys,
marker / continuation-token / start-after, encoding-type=url, fetch-owner."""

import re
import urllib.parse

import pytest

from strata_helpers import (etag_of, expect_error, parse_xml, quote_path,
                            raw_request, unique_bucket_name, assert_raw_error)

KEYS = [
    "a.txt", "b/", "b/1.txt", "b/2.txt", "b/c/3.txt", "c d/4.txt", "z",
    "B-upper", "é-accent", "~tilde", "x&y<z>", "a-b", "a/b", "ab",
]


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode("utf-8"))


def expected_listing(keys, prefix="", delimiter="", start_after=""):
    """Reference model of a listing: (contents, common prefixes) in order."""
    contents, prefixes = [], []
    for k in utf8_sorted(keys):
        if not k.startswith(prefix):
            continue
        if start_after and k.encode() <= start_after.encode():
            continue
        if delimiter:
            i = k.find(delimiter, len(prefix))
            if i >= 0:
                cp = k[:i + len(delimiter)]
                if cp not in prefixes:
                    prefixes.append(cp)
                continue
        contents.append(k)
    return contents, prefixes


@pytest.fixture
def populated(s3, bucket):
    for k in KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    return bucket


def keys_of(resp):
    return [c["Key"] for c in resp.get("Contents", [])]


def prefixes_of(resp):
    return [p["Prefix"] for p in resp.get("CommonPrefixes", [])]


def test_v2_all(s3, populated):
    resp = s3.list_objects_v2(Bucket=populated)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert keys_of(resp) == utf8_sorted(KEYS)
    assert resp["KeyCount"] == len(KEYS)
    assert resp["IsTruncated"] is False
    assert resp["Name"] == populated
    assert resp["MaxKeys"] == 1000
    assert "NextContinuationToken" not in resp
    for c in resp["Contents"]:
        assert c["ETag"] == etag_of(c["Key"].encode())
        assert c["Size"] == len(c["Key"].encode())
        assert c["StorageClass"] == "STANDARD"
        assert c["LastModified"] is not None
        assert "Owner" not in c, "V2 lists owners only with fetch-owner=true"


def test_empty_bucket(s3, bucket):
    for resp in (s3.list_objects_v2(Bucket=bucket), s3.list_objects(Bucket=bucket)):
        assert "Contents" not in resp
        assert resp["IsTruncated"] is False
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("prefix,delimiter", [
    ("b/", ""), ("", "/"), ("b/", "/"), ("b", "/"), ("a", ""), ("nomatch", "/"),
    ("", "."), ("", "-"), ("c d/", "/"), ("é", "/"), ("b/c/", "/"),
])
def test_v2_prefix_delimiter(s3, populated, prefix, delimiter):
    kwargs = {"Bucket": populated, "Prefix": prefix}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    resp = s3.list_objects_v2(**kwargs)
    contents, prefixes = expected_listing(KEYS, prefix, delimiter)
    assert keys_of(resp) == contents
    assert prefixes_of(resp) == prefixes
    assert resp["KeyCount"] == len(contents) + len(prefixes)
    assert resp.get("Prefix", "") == prefix
    if delimiter:
        assert resp.get("Delimiter") == delimiter


@pytest.mark.parametrize("prefix,delimiter", [("b/", ""), ("", "/"), ("b/", "/"), ("", "")])
def test_v1_prefix_delimiter(s3, populated, prefix, delimiter):
    kwargs = {"Bucket": populated, "Prefix": prefix}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    resp = s3.list_objects(**kwargs)
    contents, prefixes = expected_listing(KEYS, prefix, delimiter)
    assert keys_of(resp) == contents
    assert prefixes_of(resp) == prefixes
    assert resp["IsTruncated"] is False
    for c in resp.get("Contents", []):
        # V1 lists the owner of each object
        assert c.get("Owner", {}).get("ID"), c
        assert c["ETag"] == etag_of(c["Key"].encode())


@pytest.mark.parametrize("page", [1, 2, 5])
@pytest.mark.parametrize("delimiter", ["", "/"])
def test_v2_paging(s3, populated, page, delimiter):
    contents, prefixes = expected_listing(KEYS, "", delimiter)
    expected = utf8_sorted(contents + prefixes)
    seen = []
    kwargs = {"Bucket": populated, "MaxKeys": page}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    for _ in range(100):
        resp = s3.list_objects_v2(**kwargs)
        got = keys_of(resp) + prefixes_of(resp)
        assert resp["MaxKeys"] == page
        assert resp["KeyCount"] == len(got)
        assert len(got) <= page
        if "ContinuationToken" in kwargs:
            assert resp.get("ContinuationToken") == kwargs["ContinuationToken"]
        seen += got
        if not resp["IsTruncated"]:
            assert "NextContinuationToken" not in resp
            break
        assert len(got) == page, "a truncated page must be full"
        assert resp.get("NextContinuationToken"), resp
        kwargs["ContinuationToken"] = resp["NextContinuationToken"]
    assert utf8_sorted(seen) == expected
    assert len(seen) == len(set(seen)), f"duplicates across pages: {seen}"


@pytest.mark.parametrize("page", [1, 3])
@pytest.mark.parametrize("delimiter", ["", "/"])
def test_v1_paging(s3, populated, page, delimiter):
    contents, prefixes = expected_listing(KEYS, "", delimiter)
    expected = utf8_sorted(contents + prefixes)
    seen = []
    kwargs = {"Bucket": populated, "MaxKeys": page}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    for _ in range(100):
        resp = s3.list_objects(**kwargs)
        got = keys_of(resp) + prefixes_of(resp)
        assert len(got) <= page
        seen += got
        if "Marker" in kwargs:
            assert resp.get("Marker") == kwargs["Marker"]
        if not resp["IsTruncated"]:
            break
        assert len(got) == page
        if delimiter:
            # NextMarker is given when a delimiter is used
            assert resp.get("NextMarker"), resp
            kwargs["Marker"] = resp["NextMarker"]
        else:
            kwargs["Marker"] = resp.get("NextMarker") or keys_of(resp)[-1]
    assert utf8_sorted(seen) == expected
    assert len(seen) == len(set(seen)), f"duplicates across pages: {seen}"


def test_v2_start_after(s3, populated):
    for after in ["b/1.txt", "b", "a.txt", "~tilde", "zzzz", "é", ""]:
        resp = s3.list_objects_v2(Bucket=populated, StartAfter=after)
        contents, _ = expected_listing(KEYS, start_after=after)
        assert keys_of(resp) == contents, after
        if after:
            assert resp.get("StartAfter") == after


def test_v2_start_after_with_prefix_and_delimiter(s3, populated):
    resp = s3.list_objects_v2(Bucket=populated, Prefix="b/", Delimiter="/",
                              StartAfter="b/1.txt")
    assert keys_of(resp) == ["b/2.txt"]
    assert prefixes_of(resp) == ["b/c/"]


def test_v1_marker(s3, populated):
    resp = s3.list_objects(Bucket=populated, Marker="b/2.txt")
    contents, _ = expected_listing(KEYS, start_after="b/2.txt")
    assert keys_of(resp) == contents
    assert resp.get("Marker") == "b/2.txt"


def test_fetch_owner(s3, populated):
    resp = s3.list_objects_v2(Bucket=populated, FetchOwner=True, Prefix="b/")
    assert resp["Contents"]
    owner_id = s3.list_buckets()["Owner"]["ID"]
    for c in resp["Contents"]:
        assert c.get("Owner", {}).get("ID") == owner_id, c
    resp = s3.list_objects_v2(Bucket=populated, FetchOwner=False, Prefix="b/")
    for c in resp["Contents"]:
        assert "Owner" not in c


def test_encoding_type_url_raw(strata, s3, bucket):
    keys = ["sp ace/é.txt", "plus+sign", "pct%41", "amp&lt;", "tab\tkey", "日本/語"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    for query in ({"list-type": "2", "encoding-type": "url"},
                  {"encoding-type": "url"}):
        resp = raw_request(strata, "GET", quote_path(bucket), query=query)
        assert resp.status_code == 200, resp.content
        root = parse_xml(resp.content)
        assert root.findtext("EncodingType") == "url"
        raw_keys = [c.findtext("Key") for c in root.findall("Contents")]
        for raw in raw_keys:
            assert re.fullmatch(r"[\x21-\x7e]+", raw), f"not URL-encoded: {raw!r}"
        # botocore decodes with unquote_plus, so '+' must arrive as %2B.
        decoded = [urllib.parse.unquote_plus(r) for r in raw_keys]
        assert decoded == utf8_sorted(keys)


def test_encoding_type_url_prefixes_raw(strata, s3, bucket):
    for k in ["dir one/a", "dir one/b", "dür/c"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = raw_request(strata, "GET", quote_path(bucket),
                       query={"list-type": "2", "encoding-type": "url", "delimiter": "/"})
    assert resp.status_code == 200, resp.content
    root = parse_xml(resp.content)
    raw = [p.findtext("Prefix") for p in root.findall("CommonPrefixes")]
    for r in raw:
        assert re.fullmatch(r"[\x21-\x7e]+", r), f"not URL-encoded: {r!r}"
    assert [urllib.parse.unquote_plus(r) for r in raw] == ["dir one/", "dür/"]


def test_encoding_type_url_boto3(s3, bucket):
    # botocore asks for encoding-type=url on every listing and decodes the
    # keys itself; when the caller asks explicitly, it leaves them encoded.
    keys = ["sp ace/x", "plus+y", "ü/z"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == utf8_sorted(keys)
    resp = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert resp.get("EncodingType") == "url"
    assert [urllib.parse.unquote_plus(k) for k in keys_of(resp)] == utf8_sorted(keys)


def test_invalid_encoding_type(strata, bucket):
    resp = raw_request(strata, "GET", quote_path(bucket),
                       query={"list-type": "2", "encoding-type": "base64"})
    assert_raw_error(resp, "InvalidArgument", 400)


def test_invalid_continuation_token(s3, populated):
    expect_error("InvalidArgument", 400, s3.list_objects_v2, Bucket=populated,
                 ContinuationToken="this-is-not-a-token!!")


@pytest.mark.parametrize("value", ["-1", "abc", "1.5"])
def test_invalid_max_keys(strata, populated, value):
    resp = raw_request(strata, "GET", quote_path(populated),
                       query={"list-type": "2", "max-keys": value})
    assert_raw_error(resp, "InvalidArgument", 400)


def test_max_keys_above_1000_is_capped(s3, populated):
    resp = s3.list_objects_v2(Bucket=populated, MaxKeys=5000)
    assert keys_of(resp) == utf8_sorted(KEYS)
    assert resp["IsTruncated"] is False


def test_list_missing_bucket(s3):
    name = unique_bucket_name("missing")
    expect_error("NoSuchBucket", 404, s3.list_objects_v2, Bucket=name)
    expect_error("NoSuchBucket", 404, s3.list_objects, Bucket=name)


def test_list_after_delete_and_overwrite(s3, populated):
    s3.delete_object(Bucket=populated, Key="b/1.txt")
    s3.put_object(Bucket=populated, Key="z", Body=b"longer content now")
    resp = s3.list_objects_v2(Bucket=populated)
    expected = utf8_sorted([k for k in KEYS if k != "b/1.txt"])
    assert keys_of(resp) == expected
    z = [c for c in resp["Contents"] if c["Key"] == "z"][0]
    assert z["Size"] == len(b"longer content now")
    assert z["ETag"] == etag_of(b"longer content now")
