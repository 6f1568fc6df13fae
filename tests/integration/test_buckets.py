"""Bucket operations: ListBuckets, CreateBucket (LocationConstraint),
HeadBucket, DeleteBucket, GetBucketLocation — good and bad cases.

Invalid bucket names are in test_bad_input.py."""

import secrets
import string
import uuid

import pytest
from botocore.exceptions import ClientError

from strata_helpers import (assert_client_error, unique_bucket_name, empty_and_delete_bucket,
                            expect_error, parse_xml, quote_path, raw_request)


def bucket_names(s3):
    return [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_create_head_list_delete(s3, bucket_name):
    resp = s3.create_bucket(Bucket=bucket_name)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    # us-east-1 answers Location: /<bucket>
    assert resp.get("Location") == f"/{bucket_name}"
    assert resp["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")

    head = s3.head_bucket(Bucket=bucket_name)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert head["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region") == "us-east-1"

    listed = s3.list_buckets()
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    entry = [b for b in listed["Buckets"] if b["Name"] == bucket_name]
    assert len(entry) == 1
    assert entry[0]["CreationDate"] is not None
    assert listed["Owner"]["ID"]

    resp = s3.delete_bucket(Bucket=bucket_name)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert bucket_name not in bucket_names(s3)
    with pytest.raises(ClientError) as ei:
        s3.head_bucket(Bucket=bucket_name)
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_buckets_sorted_by_name(s3):
    names = [unique_bucket_name(p) for p in ("zz-sort", "aa-sort", "mm-sort")]
    try:
        for n in names:
            s3.create_bucket(Bucket=n)
        listed = bucket_names(s3)
        assert set(names) <= set(listed)
        assert listed == sorted(listed), "ListBuckets must be in name order"
    finally:
        for n in names:
            empty_and_delete_bucket(s3, n)


def test_creation_date_is_recent(s3, bucket):
    import datetime as dt
    entry = [b for b in s3.list_buckets()["Buckets"] if b["Name"] == bucket][0]
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - entry["CreationDate"]).total_seconds()) < 600


def test_valid_bucket_names(s3):
    alnum = string.ascii_lowercase + string.digits
    rnd = "".join(secrets.choice(alnum) for _ in range(2))
    names = [
        "a" + rnd,                                     # 3 characters, the minimum
        "b" + "".join(secrets.choice(alnum) for _ in range(62)),  # 63, the maximum
        "with.dots." + uuid.uuid4().hex[:12],         # dots (path style)
        "1" + "".join(secrets.choice(string.digits) for _ in range(10)),  # digits only
        unique_bucket_name("hy--phens"),
    ]
    created = []
    try:
        for n in names:
            resp = s3.create_bucket(Bucket=n)
            assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200, n
            created.append(n)
            s3.head_bucket(Bucket=n)
            s3.put_object(Bucket=n, Key="k", Body=b"x")
            assert s3.get_object(Bucket=n, Key="k")["Body"].read() == b"x"
        listed = bucket_names(s3)
        for n in names:
            assert n in listed
    finally:
        for n in created:
            empty_and_delete_bucket(s3, n)


def test_create_existing_bucket_keeps_contents(s3, bucket):
    s3.put_object(Bucket=bucket, Key="keep", Body=b"contents")
    # AWS: BucketAlreadyOwnedByYou (409) in every region but us-east-1, where
    # it keeps the legacy 200. Either way the bucket and its objects stay.
    try:
        resp = s3.create_bucket(Bucket=bucket)
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    except ClientError as e:
        assert (e.response["Error"]["Code"],
                e.response["ResponseMetadata"]["HTTPStatusCode"]) == \
            ("BucketAlreadyOwnedByYou", 409), e.response
    assert s3.get_object(Bucket=bucket, Key="keep")["Body"].read() == b"contents"
    assert bucket_names(s3).count(bucket) == 1


def test_head_missing_bucket(s3, bucket_name):
    with pytest.raises(ClientError) as ei:
        s3.head_bucket(Bucket=bucket_name)
    # HEAD answers carry no body, so botocore reports the status as code.
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert ei.value.response["Error"]["Code"] in ("404", "NoSuchBucket", "NotFound")
    assert ei.value.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-id")


def test_delete_missing_bucket(s3, bucket_name):
    expect_error("NoSuchBucket", 404, s3.delete_bucket, Bucket=bucket_name)


def test_delete_non_empty_bucket(s3, bucket_name):
    s3.create_bucket(Bucket=bucket_name)
    try:
        s3.put_object(Bucket=bucket_name, Key="dir/obj", Body=b"data")
        expect_error("BucketNotEmpty", 409, s3.delete_bucket, Bucket=bucket_name)
        # still there, object intact
        s3.head_bucket(Bucket=bucket_name)
        assert s3.get_object(Bucket=bucket_name, Key="dir/obj")["Body"].read() == b"data"
        s3.delete_object(Bucket=bucket_name, Key="dir/obj")
        assert s3.delete_bucket(Bucket=bucket_name)["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert bucket_name not in bucket_names(s3)
    finally:
        empty_and_delete_bucket(s3, bucket_name)


def test_recreate_after_delete_is_empty(s3, bucket_name):
    s3.create_bucket(Bucket=bucket_name)
    s3.put_object(Bucket=bucket_name, Key="old", Body=b"1")
    s3.delete_object(Bucket=bucket_name, Key="old")
    s3.delete_bucket(Bucket=bucket_name)
    try:
        s3.create_bucket(Bucket=bucket_name)
        resp = s3.list_objects_v2(Bucket=bucket_name)
        assert resp["KeyCount"] == 0
        assert "Contents" not in resp
    finally:
        empty_and_delete_bucket(s3, bucket_name)


def test_get_bucket_location_us_east_1(s3, bucket):
    resp = s3.get_bucket_location(Bucket=bucket)
    # S3 answers an empty <LocationConstraint/> for us-east-1.
    assert resp["LocationConstraint"] is None


def test_get_bucket_location_missing_bucket(s3, bucket_name):
    expect_error("NoSuchBucket", 404, s3.get_bucket_location, Bucket=bucket_name)


def test_location_constraint_any_region_is_stored(s3, bucket_name):
    # Any well-formed region is accepted and reported back, as the signing
    # region is: clients configured for another region still work.
    for region, reported in (("eu-west-1", "eu-west-1"), ("us-east-1", None)):
        name = f"{bucket_name}-{region}"
        try:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
            assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == reported
        finally:
            empty_and_delete_bucket(s3, name)


def test_location_constraint_malformed_is_rejected(s3, bucket_name):
    for region in ("eu west 1", "x" * 65, "eu-west-1<script>"):
        try:
            expect_error("InvalidLocationConstraint", 400, s3.create_bucket,
                         Bucket=bucket_name,
                         CreateBucketConfiguration={"LocationConstraint": region})
        finally:
            empty_and_delete_bucket(s3, bucket_name)
        assert bucket_name not in bucket_names(s3)


def test_create_bucket_malformed_configuration(strata, s3, bucket_name):
    body = b"<CreateBucketConfiguration><LocationConstraint>eu-west-1"
    resp = raw_request(strata, "PUT", quote_path(bucket_name), body=body)
    try:
        assert resp.status_code == 400, resp.content
        assert parse_xml(resp.content).findtext("Code") == "MalformedXML"
    finally:
        empty_and_delete_bucket(s3, bucket_name)
    assert bucket_name not in bucket_names(s3)


def test_bucket_operations_through_virtual_host(s3_vhost, s3, bucket_name):
    try:
        s3_vhost.create_bucket(Bucket=bucket_name)
        s3_vhost.head_bucket(Bucket=bucket_name)
        s3_vhost.put_object(Bucket=bucket_name, Key="a/b.txt", Body=b"vhost")
        assert s3.get_object(Bucket=bucket_name, Key="a/b.txt")["Body"].read() == b"vhost"
        keys = [c["Key"] for c in s3_vhost.list_objects_v2(Bucket=bucket_name)["Contents"]]
        assert keys == ["a/b.txt"]
        assert s3_vhost.get_bucket_location(Bucket=bucket_name)["LocationConstraint"] is None
        s3_vhost.delete_object(Bucket=bucket_name, Key="a/b.txt")
        s3_vhost.delete_bucket(Bucket=bucket_name)
        assert bucket_name not in bucket_names(s3)
    finally:
        empty_and_delete_bucket(s3, bucket_name)


# --------------------------------------------------------------------------
# A server that reports another region (--region eu-west-3)
# --------------------------------------------------------------------------

def test_region_server_location_constraint(region_strata):
    s3r = region_strata.client("path")
    name = unique_bucket_name("region")
    try:
        resp = s3r.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert s3r.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-3"
        head = s3r.head_bucket(Bucket=name)
        assert head["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region") == "eu-west-3"
    finally:
        empty_and_delete_bucket(s3r, name)


def test_region_server_accepts_other_constraints_and_signing_regions(region_strata):
    s3r = region_strata.client("path", region="us-east-1")
    name = unique_bucket_name("region-other")
    try:
        s3r.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
        assert s3r.get_bucket_location(Bucket=name)["LocationConstraint"] == "ap-south-1"
        assert name in bucket_names(s3r)
    finally:
        empty_and_delete_bucket(s3r, name)
