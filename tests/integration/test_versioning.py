"""S3 object versioning as AWS does it (docs/versioning.md): Put/Get
BucketVersioning, version ids on every write, GET/HEAD/DELETE ?versionId=,
delete markers (404/405 with x-amz-delete-marker), ListObjectVersions with
paging and delimiters, suspended buckets and the null version, DeleteObjects
with versions, multipart and copies in versioned buckets, version tagging and
attributes, and the *Version IAM actions."""

import re
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import _start
from strata_helpers import (assert_raw_error, attach_policy, client_for, expect_error,
                            list_keys, make_user, parse_xml, put_policy, quote_path, random_bytes,
                            raw_request, read_body, run_gc, sha256, storage_stats,
                            unique_bucket_name)

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
VERSION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MiB = 1024 * 1024


def headers_of(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"]


def error_headers(exc: ClientError):
    return exc.response["ResponseMetadata"]["HTTPHeaders"]


def all_versions(strata, bucket):
    """Every (key, version id, is delete marker, is latest) in S3's order,
    read page by page from the raw documents (boto3 splits the two kinds)."""
    out = []
    query = {}
    for _ in range(1000):
        entries, root = raw_versions(strata, bucket, **query)
        out += [(key, vid, kind == "DeleteMarker", latest) for kind, key, vid, latest in entries]
        if root.findtext("IsTruncated") != "true":
            return out
        query = {"key-marker": root.findtext("NextKeyMarker")}
        if root.findtext("NextVersionIdMarker"):
            query["version-id-marker"] = root.findtext("NextVersionIdMarker")
    raise AssertionError("listing never ends")


def raw_versions(strata, bucket, **query):
    """ListObjectVersions through a raw request: the entries in document
    order as (kind, key, version id, is latest), and the parsed root."""
    query = {"versions": None, **query}
    resp = raw_request(strata, "GET", quote_path(bucket), query=query)
    assert resp.status_code == 200, resp.content
    root = parse_xml(resp.content)
    entries = [(el.tag, el.findtext("Key"), el.findtext("VersionId"),
                el.findtext("IsLatest") == "true")
               for el in root if el.tag in ("Version", "DeleteMarker")]
    return entries, root


def purge_versions(s3, bucket):
    """Delete every version and delete marker, then the bucket (cleanup)."""
    try:
        params = {"Bucket": bucket}
        while True:
            resp = s3.list_object_versions(**params)
            for v in resp.get("Versions", []) + resp.get("DeleteMarkers", []):
                s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
            if not resp.get("IsTruncated"):
                break
        for key in list_keys(s3, bucket):
            s3.delete_object(Bucket=bucket, Key=key)
        s3.delete_bucket(Bucket=bucket)
    except Exception:  # noqa: BLE001 - cleanup only
        pass


def enable(s3, bucket, status="Enabled"):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


@pytest.fixture
def vbucket(s3, request):
    """A fresh bucket with versioning enabled; every version removed after."""
    name = unique_bucket_name("v-" + request.node.name.replace("test_", "", 1))
    s3.create_bucket(Bucket=name)
    enable(s3, name)
    yield name
    purge_versions(s3, name)


@pytest.fixture
def plain_bucket(s3, request):
    name = unique_bucket_name("p-" + request.node.name.replace("test_", "", 1))
    s3.create_bucket(Bucket=name)
    yield name
    purge_versions(s3, name)


def versioning_xml(inner):
    return f'<VersioningConfiguration xmlns="{S3_XMLNS}">{inner}</VersioningConfiguration>'.encode()


# --------------------------------------------------------------------------
# Put/GetBucketVersioning
# --------------------------------------------------------------------------

def test_versioning_state_round_trip(strata, s3, plain_bucket):
    resp = s3.get_bucket_versioning(Bucket=plain_bucket)
    assert "Status" not in resp and "MFADelete" not in resp
    raw = raw_request(strata, "GET", quote_path(plain_bucket), query={"versioning": None})
    assert raw.status_code == 200
    root = parse_xml(raw.content)
    assert root.tag == "VersioningConfiguration" and list(root) == [], raw.content

    for status in ("Enabled", "Suspended", "Enabled"):
        resp = s3.put_bucket_versioning(Bucket=plain_bucket,
                                        VersioningConfiguration={"Status": status})
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert s3.get_bucket_versioning(Bucket=plain_bucket)["Status"] == status
    # MfaDelete Disabled is what every bucket has: accepted.
    s3.put_bucket_versioning(Bucket=plain_bucket, VersioningConfiguration={
        "Status": "Suspended", "MFADelete": "Disabled"})
    assert s3.get_bucket_versioning(Bucket=plain_bucket)["Status"] == "Suspended"


@pytest.mark.parametrize("body", [
    b"",
    b"not xml",
    versioning_xml(""),
    versioning_xml("<Status></Status>"),
    versioning_xml("<Status>Disabled</Status>"),
    versioning_xml("<Status>enabled</Status>"),
    versioning_xml("<Status>Enabled</Status><Status>Enabled</Status>"),
    versioning_xml("<Status>Enabled</Status><Colour>blue</Colour>"),
    versioning_xml("<Status>Enabled</Status><MfaDelete>Maybe</MfaDelete>"),
    b"<Versioning><Status>Enabled</Status></Versioning>",
])
def test_put_versioning_malformed(strata, s3, plain_bucket, body):
    resp = raw_request(strata, "PUT", quote_path(plain_bucket), query={"versioning": None},
                       body=body)
    assert_raw_error(resp, "MalformedXML", 400)
    assert "Status" not in s3.get_bucket_versioning(Bucket=plain_bucket)


def test_put_versioning_mfa_delete_and_missing_bucket(strata, s3, plain_bucket):
    resp = raw_request(strata, "PUT", quote_path(plain_bucket), query={"versioning": None},
                       body=versioning_xml("<Status>Enabled</Status><MfaDelete>Enabled</MfaDelete>"))
    assert_raw_error(resp, "NotImplemented", 501)
    assert "Status" not in s3.get_bucket_versioning(Bucket=plain_bucket)
    missing = unique_bucket_name("missing")
    expect_error("NoSuchBucket", 404, s3.get_bucket_versioning, Bucket=missing)
    expect_error("NoSuchBucket", 404, s3.put_bucket_versioning, Bucket=missing,
                 VersioningConfiguration={"Status": "Enabled"})
    expect_error("NoSuchBucket", 404, s3.list_object_versions, Bucket=missing)


# --------------------------------------------------------------------------
# Versions on write and read
# --------------------------------------------------------------------------

def test_unversioned_bucket_sends_no_version_id(strata, s3, plain_bucket):
    resp = s3.put_object(Bucket=plain_bucket, Key="k", Body=b"one")
    assert "x-amz-version-id" not in headers_of(resp)
    assert "x-amz-version-id" not in headers_of(s3.get_object(Bucket=plain_bucket, Key="k"))
    s3.put_object(Bucket=plain_bucket, Key="k", Body=b"two")
    # The null version, the only one.
    assert all_versions(strata, plain_bucket) == [("k", "null", False, True)]
    assert read_body(s3.get_object(Bucket=plain_bucket, Key="k", VersionId="null")) == b"two"
    resp = s3.delete_object(Bucket=plain_bucket, Key="k")
    assert "x-amz-delete-marker" not in headers_of(resp)
    assert all_versions(strata, plain_bucket) == []


def test_every_version_is_kept_and_read_back(strata, s3, vbucket):
    bodies = [random_bytes(n) for n in (0, 10, 70_000, 1_200_000)]
    ids = []
    for body in bodies:
        resp = s3.put_object(Bucket=vbucket, Key="doc", Body=body)
        vid = resp["VersionId"]
        assert VERSION_ID.match(vid) and vid != "null", vid
        assert headers_of(resp)["x-amz-version-id"] == vid
        ids.append(vid)
    assert len(set(ids)) == len(ids)
    for vid, body in zip(ids, bodies):
        resp = s3.get_object(Bucket=vbucket, Key="doc", VersionId=vid)
        assert resp["VersionId"] == vid
        got = read_body(resp)
        assert len(got) == len(body) and sha256(got) == sha256(body)
        head = s3.head_object(Bucket=vbucket, Key="doc", VersionId=vid)
        assert head["VersionId"] == vid and head["ContentLength"] == len(body)
    latest = s3.get_object(Bucket=vbucket, Key="doc")
    assert latest["VersionId"] == ids[-1]
    assert sha256(read_body(latest)) == sha256(bodies[-1])
    assert s3.head_object(Bucket=vbucket, Key="doc")["VersionId"] == ids[-1]
    # Ranges work on old versions too.
    part = s3.get_object(Bucket=vbucket, Key="doc", VersionId=ids[2], Range="bytes=5-9")
    assert read_body(part) == bodies[2][5:10]
    listed = all_versions(strata, vbucket)
    assert listed == [("doc", vid, False, vid == ids[-1]) for vid in reversed(ids)]
    # ListObjects sees one object.
    assert list_keys(s3, vbucket) == ["doc"]


def test_bad_and_unknown_version_ids(strata, s3, vbucket):
    s3.put_object(Bucket=vbucket, Key="k", Body=b"x")
    expect_error("NoSuchVersion", 404, s3.get_object, Bucket=vbucket, Key="k",
                 VersionId="0123456789abcdef0123456789abcdef")
    expect_error("404", 404, s3.head_object, Bucket=vbucket, Key="k",
                 VersionId="0123456789abcdef0123456789abcdef")
    # The null version does not exist in a bucket versioned from the start.
    expect_error("NoSuchVersion", 404, s3.get_object, Bucket=vbucket, Key="k", VersionId="null")
    for bad in ("has space", "a/b", "x" * 65, ""):
        resp = raw_request(strata, "GET", quote_path(vbucket, "k"), query={"versionId": bad})
        assert_raw_error(resp, "InvalidArgument", 400)
        resp = raw_request(strata, "DELETE", quote_path(vbucket, "k"), query={"versionId": bad})
        assert_raw_error(resp, "InvalidArgument", 400)
    # Deleting a version that does not exist is not an error; the id is echoed.
    resp = s3.delete_object(Bucket=vbucket, Key="k", VersionId="0123456789abcdef0123456789abcdef")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert resp["VersionId"] == "0123456789abcdef0123456789abcdef"
    assert read_body(s3.get_object(Bucket=vbucket, Key="k")) == b"x"


# --------------------------------------------------------------------------
# Delete markers
# --------------------------------------------------------------------------

def test_delete_marker_hides_the_key(strata, s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="k", Body=b"first")["VersionId"]
    resp = s3.delete_object(Bucket=vbucket, Key="k")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert resp["DeleteMarker"] is True
    marker = resp["VersionId"]
    assert VERSION_ID.match(marker) and marker not in ("null", v1)

    err = expect_error("NoSuchKey", 404, s3.get_object, Bucket=vbucket, Key="k")
    assert error_headers(err)["x-amz-delete-marker"] == "true"
    assert error_headers(err)["x-amz-version-id"] == marker
    err = expect_error("404", 404, s3.head_object, Bucket=vbucket, Key="k")
    assert error_headers(err)["x-amz-delete-marker"] == "true"
    assert error_headers(err)["x-amz-version-id"] == marker
    # Named by its id: 405, with its Last-Modified.
    err = expect_error("MethodNotAllowed", 405, s3.get_object, Bucket=vbucket, Key="k",
                       VersionId=marker)
    assert error_headers(err)["x-amz-delete-marker"] == "true"
    assert error_headers(err)["x-amz-version-id"] == marker
    assert error_headers(err).get("last-modified")
    err = expect_error("405", 405, s3.head_object, Bucket=vbucket, Key="k", VersionId=marker)
    assert error_headers(err)["x-amz-delete-marker"] == "true"
    # A key that never existed has no marker headers.
    err = expect_error("NoSuchKey", 404, s3.get_object, Bucket=vbucket, Key="never")
    assert "x-amz-delete-marker" not in error_headers(err)

    assert list_keys(s3, vbucket) == []
    assert all_versions(strata, vbucket) == [("k", marker, True, True), ("k", v1, False, False)]
    # The old version is still readable.
    assert read_body(s3.get_object(Bucket=vbucket, Key="k", VersionId=v1)) == b"first"
    # A second delete stacks another marker.
    marker2 = s3.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    assert marker2 != marker
    # Removing the markers brings the object back.
    for m in (marker2, marker):
        resp = s3.delete_object(Bucket=vbucket, Key="k", VersionId=m)
        assert resp["DeleteMarker"] is True and resp["VersionId"] == m
    assert read_body(s3.get_object(Bucket=vbucket, Key="k")) == b"first"
    assert list_keys(s3, vbucket) == ["k"]


def test_delete_specific_version(strata, s3, vbucket):
    ids = [s3.put_object(Bucket=vbucket, Key="k", Body=f"v{i}".encode())["VersionId"]
           for i in range(3)]
    resp = s3.delete_object(Bucket=vbucket, Key="k", VersionId=ids[1])
    assert resp["VersionId"] == ids[1] and "DeleteMarker" not in resp
    expect_error("NoSuchVersion", 404, s3.get_object, Bucket=vbucket, Key="k", VersionId=ids[1])
    # Deleting the latest version makes the previous one current.
    s3.delete_object(Bucket=vbucket, Key="k", VersionId=ids[2])
    got = s3.get_object(Bucket=vbucket, Key="k")
    assert read_body(got) == b"v0" and got["VersionId"] == ids[0]
    assert all_versions(strata, vbucket) == [("k", ids[0], False, True)]


def test_delete_marker_on_a_missing_key(strata, s3, vbucket):
    # S3 writes a marker even when the key has no version at all.
    resp = s3.delete_object(Bucket=vbucket, Key="ghost")
    assert resp["DeleteMarker"] is True
    assert all_versions(strata, vbucket) == [("ghost", resp["VersionId"], True, True)]


# --------------------------------------------------------------------------
# Suspended versioning and the null version
# --------------------------------------------------------------------------

def test_suspended_bucket_replaces_the_null_version(strata, s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="k", Body=b"kept")["VersionId"]
    enable(s3, vbucket, "Suspended")
    resp = s3.put_object(Bucket=vbucket, Key="k", Body=b"null-1")
    assert resp["VersionId"] == "null"
    assert headers_of(s3.get_object(Bucket=vbucket, Key="k"))["x-amz-version-id"] == "null"
    s3.put_object(Bucket=vbucket, Key="k", Body=b"null-2")
    # The null version was replaced; the id-bearing one stays.
    assert all_versions(strata, vbucket) == [("k", "null", False, True), ("k", v1, False, False)]
    assert read_body(s3.get_object(Bucket=vbucket, Key="k", VersionId="null")) == b"null-2"
    assert read_body(s3.get_object(Bucket=vbucket, Key="k", VersionId=v1)) == b"kept"
    # A delete writes a null delete marker, replacing the null version.
    resp = s3.delete_object(Bucket=vbucket, Key="k")
    assert resp["DeleteMarker"] is True and resp["VersionId"] == "null"
    assert all_versions(strata, vbucket) == [("k", "null", True, True), ("k", v1, False, False)]
    # Versioning back on: new ids again, the null marker stays as history.
    enable(s3, vbucket)
    v3 = s3.put_object(Bucket=vbucket, Key="k", Body=b"again")["VersionId"]
    assert v3 not in ("null", v1)
    assert [e[1] for e in all_versions(strata, vbucket)] == [v3, "null", v1]
    # Deleting the null marker by its id works.
    resp = s3.delete_object(Bucket=vbucket, Key="k", VersionId="null")
    assert resp["DeleteMarker"] is True and resp["VersionId"] == "null"
    assert [e[1] for e in all_versions(strata, vbucket)] == [v3, v1]


def test_versioning_an_existing_bucket_keeps_the_null_version(strata, s3, plain_bucket):
    s3.put_object(Bucket=plain_bucket, Key="k", Body=b"before")
    enable(s3, plain_bucket)
    v1 = s3.put_object(Bucket=plain_bucket, Key="k", Body=b"after")["VersionId"]
    assert all_versions(strata, plain_bucket) == [("k", v1, False, True), ("k", "null", False, False)]
    assert read_body(s3.get_object(Bucket=plain_bucket, Key="k", VersionId="null")) == b"before"
    # Once versioned, never back to unversioned: GET says Enabled or Suspended.
    enable(s3, plain_bucket, "Suspended")
    assert s3.get_bucket_versioning(Bucket=plain_bucket)["Status"] == "Suspended"


def test_bucket_with_versions_cannot_be_deleted(strata, s3, request):
    name = unique_bucket_name("vdel")
    s3.create_bucket(Bucket=name)
    request.addfinalizer(lambda: purge_versions(s3, name))
    enable(s3, name)
    v1 = s3.put_object(Bucket=name, Key="a", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=name, Key="a", Body=b"2")["VersionId"]
    marker = s3.delete_object(Bucket=name, Key="a")["VersionId"]
    assert list_keys(s3, name) == []
    expect_error("BucketNotEmpty", 409, s3.delete_bucket, Bucket=name)
    for vid in (v2, v1):
        s3.delete_object(Bucket=name, Key="a", VersionId=vid)
        expect_error("BucketNotEmpty", 409, s3.delete_bucket, Bucket=name)
    s3.delete_object(Bucket=name, Key="a", VersionId=marker)
    assert all_versions(strata, name) == []
    s3.delete_bucket(Bucket=name)
    expect_error("NoSuchBucket", 404, s3.get_bucket_versioning, Bucket=name)


# --------------------------------------------------------------------------
# ListObjectVersions
# --------------------------------------------------------------------------

@pytest.fixture
def history(s3, vbucket):
    """Keys with several versions and markers; returns the full listing."""
    for key, versions in (("a", 3), ("b", 1), ("c", 2), ("d/x", 2), ("d/y", 1), ("e", 1)):
        for i in range(versions):
            s3.put_object(Bucket=vbucket, Key=key, Body=f"{key}-{i}".encode())
    s3.delete_object(Bucket=vbucket, Key="c")
    s3.delete_object(Bucket=vbucket, Key="e")
    enable(s3, vbucket, "Suspended")
    s3.put_object(Bucket=vbucket, Key="b", Body=b"b-null")
    enable(s3, vbucket)
    s3.put_object(Bucket=vbucket, Key="b", Body=b"b-last")
    return vbucket


def test_list_versions_document(strata, s3, history):
    entries, root = raw_versions(strata, history)
    assert root.tag == "ListVersionsResult"
    assert root.findtext("Name") == history
    assert root.findtext("IsTruncated") == "false"
    assert root.findtext("MaxKeys") == "1000"
    assert root.findtext("KeyMarker") == "" and root.findtext("VersionIdMarker") == ""
    keys = [(kind, key) for kind, key, _, _ in entries]
    assert keys == [("Version", "a")] * 3 + [("Version", "b")] * 3 + [
        ("DeleteMarker", "c"), ("Version", "c"), ("Version", "c"),
        ("Version", "d/x"), ("Version", "d/x"), ("Version", "d/y"),
        ("DeleteMarker", "e"), ("Version", "e")]
    # Exactly one latest per key, the first of its key.
    seen = set()
    for _, key, vid, latest in entries:
        assert latest == (key not in seen), (key, vid)
        seen.add(key)
    assert [vid for _, key, vid, _ in entries if key == "b"][1] == "null"
    version = next(el for el in root if el.tag == "Version")
    for field in ("Key", "VersionId", "IsLatest", "LastModified", "ETag", "Size",
                  "StorageClass", "Owner"):
        assert version.find(field) is not None, field
    marker = next(el for el in root if el.tag == "DeleteMarker")
    assert marker.find("ETag") is None and marker.find("Size") is None
    assert marker.find("LastModified") is not None


@pytest.mark.parametrize("max_keys", [1, 2, 3])
def test_list_versions_paging_visits_every_version_once(strata, s3, history, max_keys):
    full, _ = raw_versions(strata, history)
    got = []
    query = {"max-keys": str(max_keys)}
    pages = 0
    while True:
        entries, root = raw_versions(strata, history, **query)
        pages += 1
        assert len(entries) <= max_keys
        assert root.findtext("MaxKeys") == str(max_keys)
        got += entries
        if root.findtext("IsTruncated") != "true":
            assert root.find("NextKeyMarker") is None
            break
        query = {"max-keys": str(max_keys), "key-marker": root.findtext("NextKeyMarker"),
                 "version-id-marker": root.findtext("NextVersionIdMarker")}
        assert pages < 100
    assert got == full
    # boto3's paginator agrees.
    paginator = s3.get_paginator("list_object_versions")
    count = sum(len(p.get("Versions", [])) + len(p.get("DeleteMarkers", []))
                for p in paginator.paginate(Bucket=history, PaginationConfig={"PageSize": max_keys}))
    assert count == len(full)


def test_list_versions_markers_prefix_and_delimiter(strata, s3, history):
    full, _ = raw_versions(strata, history)
    # key-marker alone starts after every version of that key.
    entries, _ = raw_versions(strata, history, **{"key-marker": "b"})
    assert entries == [e for e in full if e[1] > "b"]
    # With a version id marker: after that version of the key.
    a_ids = [e[2] for e in full if e[1] == "a"]
    entries, root = raw_versions(strata, history, **{"key-marker": "a",
                                                     "version-id-marker": a_ids[0]})
    assert entries == full[1:]
    assert root.findtext("KeyMarker") == "a" and root.findtext("VersionIdMarker") == a_ids[0]
    # Prefix.
    entries, _ = raw_versions(strata, history, prefix="d/")
    assert [e[1] for e in entries] == ["d/x", "d/x", "d/y"]
    # Delimiter: d/ collapses.
    entries, root = raw_versions(strata, history, delimiter="/")
    assert "d/" not in {e[1] for e in entries}
    assert [p.findtext("Prefix") for p in root.findall("CommonPrefixes")] == ["d/"]
    assert root.findtext("Delimiter") == "/"
    resp = s3.list_object_versions(Bucket=history, Delimiter="/", Prefix="d")
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["d/"]
    assert "Versions" not in resp
    # Paging with a delimiter, one entry per page: the prefix comes once.
    seen = []
    params = {"Bucket": history, "Delimiter": "/", "MaxKeys": 1}
    while True:
        resp = s3.list_object_versions(**params)
        seen += [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
        seen += [(v["Key"], v["VersionId"]) for v in resp.get("Versions", [])]
        seen += [(m["Key"], m["VersionId"]) for m in resp.get("DeleteMarkers", [])]
        if not resp["IsTruncated"]:
            break
        params["KeyMarker"] = resp["NextKeyMarker"]
        params["VersionIdMarker"] = resp.get("NextVersionIdMarker", "")
    assert seen.count("d/") == 1
    assert len(seen) == len([e for e in full if not e[1].startswith("d/")]) + 1
    # max-keys=0: nothing, not truncated.
    entries, root = raw_versions(strata, history, **{"max-keys": "0"})
    assert entries == []


def test_list_versions_bad_arguments(strata, history):
    for query, code in (({"version-id-marker": "abc"}, "InvalidArgument"),
                        ({"key-marker": "a", "version-id-marker": "bad id"}, "InvalidArgument"),
                        ({"max-keys": "-1"}, "InvalidArgument"),
                        ({"encoding-type": "xml"}, "InvalidArgument")):
        resp = raw_request(strata, "GET", quote_path(history), query={"versions": None, **query})
        assert_raw_error(resp, code, 400)


def test_list_versions_url_encoding(strata, s3, vbucket):
    key = "sp ace/ü+x"
    s3.put_object(Bucket=vbucket, Key=key, Body=b"1")
    resp = s3.list_object_versions(Bucket=vbucket)  # botocore asks for url and decodes
    assert [v["Key"] for v in resp["Versions"]] == [key]
    raw = raw_request(strata, "GET", quote_path(vbucket),
                      query={"versions": None, "encoding-type": "url"})
    root = parse_xml(raw.content)
    assert root.findtext("EncodingType") == "url"
    assert root.find("Version").findtext("Key") == "sp%20ace/%C3%BC%2Bx"


# --------------------------------------------------------------------------
# DeleteObjects with versions
# --------------------------------------------------------------------------

def test_delete_objects_with_versions(strata, s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="a", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=vbucket, Key="a", Body=b"2")["VersionId"]
    vb = s3.put_object(Bucket=vbucket, Key="b", Body=b"b")["VersionId"]
    marker = s3.delete_object(Bucket=vbucket, Key="c")["VersionId"]
    resp = s3.delete_objects(Bucket=vbucket, Delete={"Objects": [
        {"Key": "a", "VersionId": v1},
        {"Key": "b"},
        {"Key": "c", "VersionId": marker},
        {"Key": "a", "VersionId": "bad id"},
    ]})
    deleted = {(d["Key"], d.get("VersionId")): d for d in resp["Deleted"]}
    assert set(deleted) == {("a", v1), ("b", None), ("c", marker)}
    assert "DeleteMarker" not in deleted[("a", v1)]
    assert deleted[("b", None)]["DeleteMarker"] is True
    b_marker = deleted[("b", None)]["DeleteMarkerVersionId"]
    assert VERSION_ID.match(b_marker) and b_marker != "null"
    assert deleted[("c", marker)]["DeleteMarker"] is True
    assert deleted[("c", marker)]["DeleteMarkerVersionId"] == marker
    assert [(e["Key"], e["VersionId"], e["Code"]) for e in resp["Errors"]] == [
        ("a", "bad id", "InvalidArgument")]
    assert all_versions(strata, vbucket) == [
        ("a", v2, False, True), ("b", b_marker, True, True), ("b", vb, False, False)]
    # Quiet mode reports nothing on success.
    resp = s3.delete_objects(Bucket=vbucket, Delete={"Quiet": True, "Objects": [
        {"Key": "a", "VersionId": v2}]})
    assert resp.get("Deleted", []) == [] and resp.get("Errors", []) == []
    assert [e[0] for e in all_versions(strata, vbucket)] == ["b", "b"]


# --------------------------------------------------------------------------
# Multipart, copies, POST
# --------------------------------------------------------------------------

def test_multipart_upload_makes_a_version(strata, s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="big", Body=b"small first")["VersionId"]
    parts_data = [random_bytes(5 * 1024 * 1024), random_bytes(1234)]
    upload = s3.create_multipart_upload(Bucket=vbucket, Key="big")
    parts = []
    for number, data in enumerate(parts_data, start=1):
        part = s3.upload_part(Bucket=vbucket, Key="big", UploadId=upload["UploadId"],
                              PartNumber=number, Body=data)
        parts.append({"PartNumber": number, "ETag": part["ETag"]})
    resp = s3.complete_multipart_upload(Bucket=vbucket, Key="big", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    v2 = resp["VersionId"]
    assert VERSION_ID.match(v2) and v2 not in (v1, "null")
    assert all_versions(strata, vbucket) == [("big", v2, False, True), ("big", v1, False, False)]
    whole = b"".join(parts_data)
    assert sha256(read_body(s3.get_object(Bucket=vbucket, Key="big", VersionId=v2))) == \
        sha256(whole)
    assert read_body(s3.get_object(Bucket=vbucket, Key="big", VersionId=v1)) == b"small first"
    head = s3.head_object(Bucket=vbucket, Key="big", VersionId=v2, PartNumber=2)
    assert head["ContentLength"] == 1234


def test_copy_from_an_old_version(strata, s3, vbucket, bucket2):
    v1 = s3.put_object(Bucket=vbucket, Key="src", Body=b"old bytes", Metadata={"n": "1"},
                       Tagging="gen=1")["VersionId"]
    v2 = s3.put_object(Bucket=vbucket, Key="src", Body=b"new bytes")["VersionId"]
    resp = s3.copy_object(Bucket=bucket2, Key="copy",
                          CopySource={"Bucket": vbucket, "Key": "src", "VersionId": v1})
    assert resp["CopySourceVersionId"] == v1
    assert "VersionId" not in resp  # bucket2 is not versioned
    got = s3.get_object(Bucket=bucket2, Key="copy")
    assert read_body(got) == b"old bytes" and got["Metadata"] == {"n": "1"}
    assert s3.get_object_tagging(Bucket=bucket2, Key="copy")["TagSet"] == [
        {"Key": "gen", "Value": "1"}]
    # Restoring an old version: copy it onto its own key, a new version.
    resp = s3.copy_object(Bucket=vbucket, Key="src",
                          CopySource={"Bucket": vbucket, "Key": "src", "VersionId": v1})
    v3 = resp["VersionId"]
    assert v3 not in (v1, v2, "null") and headers_of(resp)["x-amz-version-id"] == v3
    assert read_body(s3.get_object(Bucket=vbucket, Key="src")) == b"old bytes"
    assert [e[1] for e in all_versions(strata, vbucket)] == [v3, v2, v1]
    # The null version as a source, by name, in an unversioned bucket.
    s3.put_object(Bucket=bucket2, Key="plain", Body=b"plain")
    s3.copy_object(Bucket=bucket2, Key="plain2",
                   CopySource={"Bucket": bucket2, "Key": "plain", "VersionId": "null"})
    assert read_body(s3.get_object(Bucket=bucket2, Key="plain2")) == b"plain"
    # UploadPartCopy from a version.
    upload = s3.create_multipart_upload(Bucket=bucket2, Key="mp")
    part = s3.upload_part_copy(Bucket=bucket2, Key="mp", UploadId=upload["UploadId"],
                               PartNumber=1,
                               CopySource={"Bucket": vbucket, "Key": "src", "VersionId": v2})
    assert part["CopySourceVersionId"] == v2
    s3.complete_multipart_upload(Bucket=bucket2, Key="mp", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [
                                     {"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert read_body(s3.get_object(Bucket=bucket2, Key="mp")) == b"new bytes"


def test_copy_from_delete_markers_and_missing_versions(s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="src", Body=b"x")["VersionId"]
    marker = s3.delete_object(Bucket=vbucket, Key="src")["VersionId"]
    expect_error("InvalidRequest", 400, s3.copy_object, Bucket=vbucket, Key="dst",
                 CopySource={"Bucket": vbucket, "Key": "src", "VersionId": marker})
    expect_error("NoSuchKey", 404, s3.copy_object, Bucket=vbucket, Key="dst",
                 CopySource={"Bucket": vbucket, "Key": "src"})
    expect_error("NoSuchVersion", 404, s3.copy_object, Bucket=vbucket, Key="dst",
                 CopySource={"Bucket": vbucket, "Key": "src",
                             "VersionId": "0123456789abcdef0123456789abcdef"})
    # The version under the marker can still be copied.
    s3.copy_object(Bucket=vbucket, Key="dst",
                   CopySource={"Bucket": vbucket, "Key": "src", "VersionId": v1})
    assert read_body(s3.get_object(Bucket=vbucket, Key="dst")) == b"x"


# --------------------------------------------------------------------------
# Tagging and attributes of versions
# --------------------------------------------------------------------------

def test_version_tagging(strata, s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="k", Body=b"1", Tagging="gen=1")["VersionId"]
    v2 = s3.put_object(Bucket=vbucket, Key="k", Body=b"2", Tagging="gen=2")["VersionId"]
    resp = s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=v1)
    assert resp["TagSet"] == [{"Key": "gen", "Value": "1"}] and resp["VersionId"] == v1
    assert s3.get_object_tagging(Bucket=vbucket, Key="k")["TagSet"] == [
        {"Key": "gen", "Value": "2"}]
    resp = s3.put_object_tagging(Bucket=vbucket, Key="k", VersionId=v1,
                                 Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
    assert resp["VersionId"] == v1
    assert s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=v1)["TagSet"] == [
        {"Key": "old", "Value": "yes"}]
    assert s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=v2)["TagSet"] == [
        {"Key": "gen", "Value": "2"}]
    s3.delete_object_tagging(Bucket=vbucket, Key="k", VersionId=v1)
    assert s3.get_object_tagging(Bucket=vbucket, Key="k", VersionId=v1)["TagSet"] == []
    assert s3.get_object_tagging(Bucket=vbucket, Key="k")["TagSet"] == [
        {"Key": "gen", "Value": "2"}]
    # Tagging a version changes neither its ETag nor the version list.
    assert [e[1] for e in all_versions(strata, vbucket)] == [v2, v1]
    marker = s3.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    expect_error("MethodNotAllowed", 405, s3.get_object_tagging, Bucket=vbucket, Key="k",
                 VersionId=marker)
    expect_error("MethodNotAllowed", 405, s3.put_object_tagging, Bucket=vbucket, Key="k",
                 VersionId=marker, Tagging={"TagSet": []})
    expect_error("NoSuchVersion", 404, s3.get_object_tagging, Bucket=vbucket, Key="k",
                 VersionId="0123456789abcdef0123456789abcdef")
    expect_error("InvalidArgument", 400, s3.get_object_tagging, Bucket=vbucket, Key="k",
                 VersionId="bad id")


def test_version_attributes(s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="k", Body=b"12345")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="k", Body=b"1")
    resp = s3.get_object_attributes(Bucket=vbucket, Key="k", VersionId=v1,
                                    ObjectAttributes=["ObjectSize", "ETag"])
    assert resp["ObjectSize"] == 5 and resp["VersionId"] == v1
    resp = s3.get_object_attributes(Bucket=vbucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert resp["ObjectSize"] == 1
    expect_error("NoSuchVersion", 404, s3.get_object_attributes, Bucket=vbucket, Key="k",
                 VersionId="0123456789abcdef0123456789abcdef", ObjectAttributes=["ObjectSize"])


# --------------------------------------------------------------------------
# Authorization: the *Version actions
# --------------------------------------------------------------------------

def test_version_actions_are_authorized(strata, s3, vbucket):
    v1 = s3.put_object(Bucket=vbucket, Key="doc", Body=b"1")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="doc", Body=b"2")
    policy = f"no-versions-{uuid.uuid4().hex[:8]}"
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow",
             "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                        "s3:GetObjectTagging"],
             "Resource": f"arn:aws:s3:::{vbucket}/*"},
            {"Effect": "Allow", "Action": ["s3:ListBucket"],
             "Resource": f"arn:aws:s3:::{vbucket}"}]})
    name, ak, sk = make_user(strata)
    attach_policy(strata, policy, name)
    user = client_for(strata, ak, sk)

    assert read_body(user.get_object(Bucket=vbucket, Key="doc")) == b"2"
    expect_error("AccessDenied", 403, user.get_object, Bucket=vbucket, Key="doc", VersionId=v1)
    expect_error("403", 403, user.head_object, Bucket=vbucket, Key="doc", VersionId=v1)
    expect_error("AccessDenied", 403, user.delete_object, Bucket=vbucket, Key="doc",
                 VersionId=v1)
    expect_error("AccessDenied", 403, user.get_object_tagging, Bucket=vbucket, Key="doc",
                 VersionId=v1)
    expect_error("AccessDenied", 403, user.list_object_versions, Bucket=vbucket)
    expect_error("AccessDenied", 403, user.get_bucket_versioning, Bucket=vbucket)
    expect_error("AccessDenied", 403, user.put_bucket_versioning, Bucket=vbucket,
                 VersioningConfiguration={"Status": "Suspended"})
    expect_error("AccessDenied", 403, user.copy_object, Bucket=vbucket, Key="copy",
                 CopySource={"Bucket": vbucket, "Key": "doc", "VersionId": v1})
    resp = user.delete_objects(Bucket=vbucket, Delete={"Objects": [
        {"Key": "doc", "VersionId": v1}]})
    assert [e["Code"] for e in resp["Errors"]] == ["AccessDenied"]
    assert [e[1] for e in all_versions(strata, vbucket)][-1] == v1
    assert s3.get_bucket_versioning(Bucket=vbucket)["Status"] == "Enabled"

    # Granting the version actions opens them.
    granted = f"versions-{uuid.uuid4().hex[:8]}"
    put_policy(strata, granted, {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObjectVersion", "s3:DeleteObjectVersion"],
             "Resource": f"arn:aws:s3:::{vbucket}/*"},
            {"Effect": "Allow", "Action": ["s3:ListBucketVersions", "s3:GetBucketVersioning"],
             "Resource": f"arn:aws:s3:::{vbucket}"}]})
    attach_policy(strata, granted, name)
    assert read_body(user.get_object(Bucket=vbucket, Key="doc", VersionId=v1)) == b"1"
    assert user.get_bucket_versioning(Bucket=vbucket)["Status"] == "Enabled"
    assert len(user.list_object_versions(Bucket=vbucket)["Versions"]) == 2
    user.delete_object(Bucket=vbucket, Key="doc", VersionId=v1)
    assert len(all_versions(strata, vbucket)) == 1


def test_noncurrent_space_is_counted_and_reclaimed(tmp_path_factory):
    """Old versions and delete markers are counted apart from current objects,
    keep their chunks while they exist, and give them back to GC once deleted
    by id. A server of its own: GC with no grace period, and exact counts."""
    server = _start(tmp_path_factory, "version-space",
                    extra_args=("--gc-grace", "0", "--gc-interval", "100000"))
    try:
        c = server.client()
        b = "version-space"
        c.create_bucket(Bucket=b)
        enable(c, b)
        # Random bytes (no dedup), 4 MiB fixed chunks: two chunks each.
        old, new = random_bytes(6 * MiB), random_bytes(5 * MiB)
        v_old = c.put_object(Bucket=b, Key="k", Body=old)["VersionId"]
        v_new = c.put_object(Bucket=b, Key="k", Body=new)["VersionId"]

        def space():
            s = storage_stats(server)
            return {k: s[k] for k in ("objects", "logical_bytes", "noncurrent_versions",
                                      "noncurrent_bytes", "delete_markers", "chunks",
                                      "unreferenced_chunks")}

        assert space() == {"objects": 1, "logical_bytes": len(new), "noncurrent_versions": 1,
                           "noncurrent_bytes": len(old), "delete_markers": 0, "chunks": 4,
                           "unreferenced_chunks": 0}
        assert run_gc(server)["chunks_deleted"] == 0

        # A delete marker hides the key but frees nothing.
        marker = c.delete_object(Bucket=b, Key="k")
        assert marker["DeleteMarker"] is True
        assert space() == {"objects": 0, "logical_bytes": 0, "noncurrent_versions": 2,
                           "noncurrent_bytes": len(old) + len(new), "delete_markers": 1,
                           "chunks": 4, "unreferenced_chunks": 0}
        assert run_gc(server)["chunks_deleted"] == 0

        # Deleting the old version by id releases exactly its chunks.
        c.delete_object(Bucket=b, Key="k", VersionId=v_old)
        assert space()["unreferenced_chunks"] == 2
        gc = run_gc(server)
        assert gc["chunks_deleted"] == 2 and gc["bytes_reclaimed"] == len(old), gc
        assert gc["errors"] == 0, gc

        # Removing the marker brings the newer version back, intact.
        c.delete_object(Bucket=b, Key="k", VersionId=marker["VersionId"])
        assert c.get_object(Bucket=b, Key="k")["Body"].read() == new
        assert space() == {"objects": 1, "logical_bytes": len(new), "noncurrent_versions": 0,
                           "noncurrent_bytes": 0, "delete_markers": 0, "chunks": 2,
                           "unreferenced_chunks": 0}

        # The last version goes: nothing is left and the bucket can go.
        c.delete_object(Bucket=b, Key="k", VersionId=v_new)
        gc = run_gc(server)
        assert gc["chunks_deleted"] == 2 and gc["bytes_reclaimed"] == len(new), gc
        assert space()["chunks"] == 0
        c.delete_bucket(Bucket=b)
    finally:
        server.stop()
