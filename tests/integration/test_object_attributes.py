"""GetObjectAttributes (GET /bucket/key?attributes) with boto3 and raw
requests: only the attributes asked for, ETag without quotes, the parts of a
multipart object with paging, and AWS's two permissions."""

import os
import uuid

import pytest
from botocore.exceptions import ClientError

from strata_helpers import (assert_client_error, assert_raw_error, attach_policy, client_for,
                            make_user, md5_hex, put_policy, quote_path, raw_request)

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]


def test_single_part_object(s3, bucket):
    data = b"attributes " * 100
    s3.put_object(Bucket=bucket, Key="a.txt", Body=data)
    got = s3.get_object_attributes(Bucket=bucket, Key="a.txt", ObjectAttributes=ALL)
    assert got["ETag"] == md5_hex(data)  # no quotes, as AWS answers
    assert got["ObjectSize"] == len(data)
    assert got["StorageClass"] == "STANDARD"
    assert got["LastModified"] == s3.head_object(Bucket=bucket, Key="a.txt")["LastModified"]
    assert "ObjectParts" not in got  # not a multipart object
    assert "Checksum" not in got  # none was asked for at upload


def test_only_what_was_asked_for(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"12345")
    got = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert got["ObjectSize"] == 5
    for absent in ("ETag", "StorageClass", "ObjectParts", "Checksum"):
        assert absent not in got


def test_checksum(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"checksummed", ChecksumAlgorithm="SHA256")
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    got = s3.get_object_attributes(Bucket=bucket, Key="c", ObjectAttributes=["Checksum"])
    assert got["Checksum"]["ChecksumSHA256"] == head["ChecksumSHA256"]


def test_multipart_object_parts(s3, bucket):
    sizes = [5 << 20, 5 << 20, 1]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")
    parts = []
    for number, size in enumerate(sizes, start=1):
        part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload["UploadId"],
                              PartNumber=number, Body=os.urandom(size))
        parts.append({"PartNumber": number, "ETag": part["ETag"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    got = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=ALL)
    assert got["ETag"] == done["ETag"].strip('"')
    assert got["ObjectSize"] == sum(sizes)
    op = got["ObjectParts"]
    assert op["TotalPartsCount"] == 3
    assert op["IsTruncated"] is False
    assert [(p["PartNumber"], p["Size"]) for p in op["Parts"]] == [(1, sizes[0]), (2, sizes[1]),
                                                                   (3, 1)]
    page = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"],
                                    MaxParts=2)["ObjectParts"]
    assert page["IsTruncated"] is True
    assert page["NextPartNumberMarker"] == 2
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    rest = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"],
                                    MaxParts=2, PartNumberMarker=2)["ObjectParts"]
    assert rest["IsTruncated"] is False
    assert [p["PartNumber"] for p in rest["Parts"]] == [3]


def test_errors(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    assert_client_error(e, "NoSuchKey", 404)
    path = quote_path(bucket, "k")
    resp = raw_request(strata, "GET", path, query={"attributes": None},
                       headers={"x-amz-object-attributes": "ETag,Bogus"})
    assert_raw_error(resp, "InvalidArgument", 400)
    resp = raw_request(strata, "GET", path, query={"attributes": None})
    assert_raw_error(resp, "InvalidArgument", 400)
    resp = raw_request(strata, "GET", path, query={"attributes": None},
                       headers={"x-amz-object-attributes": "ETag", "x-amz-max-parts": "-1"})
    assert_raw_error(resp, "InvalidArgument", 400)
    # The header may repeat; blanks around names are fine.
    resp = raw_request(strata, "GET", path, query={"attributes": None},
                       headers={"x-amz-object-attributes": "ETag , ObjectSize"})
    assert resp.status_code == 200, resp.content
    assert b"<ObjectSize>1</ObjectSize>" in resp.content
    resp = raw_request(strata, "PUT", path, query={"attributes": None})
    assert_raw_error(resp, "MethodNotAllowed", 405)


def test_needs_get_object_and_get_object_attributes(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    resource = f"arn:aws:s3:::{bucket}/*"
    for actions, allowed in [(["s3:GetObject"], False), (["s3:GetObjectAttributes"], False),
                             (["s3:GetObject", "s3:GetObjectAttributes"], True)]:
        policy = f"attrs-{uuid.uuid4().hex[:8]}"
        put_policy(strata, policy, {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": resource}]})
        name, ak, sk = make_user(strata)
        attach_policy(strata, policy, name)
        client = client_for(strata, ak, sk)
        if allowed:
            got = client.get_object_attributes(Bucket=bucket, Key="k",
                                               ObjectAttributes=["ObjectSize"])
            assert got["ObjectSize"] == 1
        else:
            with pytest.raises(ClientError) as e:
                client.get_object_attributes(Bucket=bucket, Key="k",
                                             ObjectAttributes=["ObjectSize"])
            assert_client_error(e, "AccessDenied", 403)
