"""Object and bucket tagging as AWS S3 does it: ?tagging on objects and
buckets, the x-amz-tagging header of PutObject, CreateMultipartUpload and
CopyObject (with x-amz-tagging-directive), x-amz-tagging-count on GET and
HEAD, every limit and error, and the IAM actions that guard them."""

import time
import uuid

import pytest

from strata_helpers import (assert_raw_error, attach_policy, client_for, expect_error,
                            make_user, put_policy, quote_path, raw_request)

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


def tagset(pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


def tags_of(s3, bucket, key):
    """The object's tags as a dict (S3 promises no order)."""
    resp = s3.get_object_tagging(Bucket=bucket, Key=key)
    return {t["Key"]: t["Value"] for t in resp["TagSet"]}


def tag_count(resp):
    """x-amz-tagging-count of a GET/HEAD answer, or None when absent."""
    value = resp["ResponseMetadata"]["HTTPHeaders"].get("x-amz-tagging-count")
    return None if value is None else int(value)


def tagging_xml(*pairs, raw=None):
    body = raw if raw is not None else "".join(
        f"<Tag><Key>{k}</Key><Value>{v}</Value></Tag>" for k, v in pairs)
    return f'<Tagging xmlns="{S3_XMLNS}"><TagSet>{body}</TagSet></Tagging>'.encode()


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"hello")
    return bucket, "doc.txt"


# --------------------------------------------------------------------------
# Object tagging: Put/Get/DeleteObjectTagging
# --------------------------------------------------------------------------

def test_object_tagging_round_trip(s3, obj):
    bucket, key = obj
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == []
    before = s3.head_object(Bucket=bucket, Key=key)
    assert tag_count(before) is None
    time.sleep(1.1)  # a changed Last-Modified would show
    resp = s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tagset(
        [("Project", "Blue"), ("cost center", "12.5"), ("empty", ""), ("名前", "値 🎉")]))
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(s3, bucket, key) == {
        "Project": "Blue", "cost center": "12.5", "empty": "", "名前": "値 🎉"}
    after = s3.head_object(Bucket=bucket, Key=key)
    assert after["ETag"] == before["ETag"]
    assert after["LastModified"] == before["LastModified"]
    assert tag_count(after) == 4
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == b"hello"
    assert tag_count(got) == 4
    assert got["TagCount"] == 4

    # A new set replaces the old one entirely.
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tagset([("only", "one")]))
    assert tags_of(s3, bucket, key) == {"only": "one"}

    resp = s3.delete_object_tagging(Bucket=bucket, Key=key)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == []
    final = s3.head_object(Bucket=bucket, Key=key)
    assert tag_count(final) is None
    assert final["ETag"] == before["ETag"]
    assert final["LastModified"] == before["LastModified"]
    # Deleting tags that are not there is fine too.
    s3.delete_object_tagging(Bucket=bucket, Key=key)


def test_empty_tag_set_removes_tags(s3, obj):
    bucket, key = obj
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tagset([("a", "1")]))
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": []})
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == []


def test_get_object_tagging_document(strata, obj):
    bucket, key = obj
    s3 = strata.client()
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tagset([("k", "a b=c")]))
    resp = raw_request(strata, "GET", quote_path(bucket, key), query={"tagging": None})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/xml"
    assert resp.content == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>'
        b"<Tag><Key>k</Key><Value>a b=c</Value></Tag></TagSet></Tagging>")
    # '&' and '<' are not tag characters at all.
    expect_error("InvalidTag", 400, s3.put_object_tagging, Bucket=bucket, Key=key,
                 Tagging=tagset([("k", "a&b<c>")]))


def test_object_tagging_missing_object_or_bucket(s3, bucket):
    expect_error("NoSuchKey", 404, s3.get_object_tagging, Bucket=bucket, Key="nope")
    expect_error("NoSuchKey", 404, s3.put_object_tagging, Bucket=bucket, Key="nope",
                 Tagging=tagset([("a", "1")]))
    expect_error("NoSuchKey", 404, s3.delete_object_tagging, Bucket=bucket, Key="nope")
    missing = "no-such-bucket-" + uuid.uuid4().hex[:8]
    expect_error("NoSuchBucket", 404, s3.get_object_tagging, Bucket=missing, Key="k")
    expect_error("NoSuchBucket", 404, s3.put_object_tagging, Bucket=missing, Key="k",
                 Tagging=tagset([("a", "1")]))


def test_object_tag_limits(s3, obj):
    bucket, key = obj
    ten = [(f"k{i}", f"v{i}") for i in range(10)]
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tagset(ten))
    assert len(tags_of(s3, bucket, key)) == 10
    longest = [("k" * 128, "v" * 256), ("🎉" * 64, "🎉" * 128)]  # 2 UTF-16 units each
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging=tagset(longest))
    assert tags_of(s3, bucket, key) == dict(longest)

    err = expect_error("BadRequest", 400, s3.put_object_tagging, Bucket=bucket, Key=key,
                       Tagging=tagset(ten + [("k10", "v")]))
    assert err.response["Error"]["Message"] == "Object tags cannot be greater than 10"
    bad_key = "The TagKey you have provided is invalid"
    bad_value = "The TagValue you have provided is invalid"
    cases = [
        ([("k" * 129, "v")], bad_key),
        ([("🎉" * 64 + "k", "v")], bad_key),
        ([("k", "v" * 257)], bad_value),
        ([("a*b", "v")], bad_key),
        ([("TagSet=[{Key", "v")], bad_key),
        ([("k", "semi;colon")], bad_value),
        ([("k", "tab\there")], bad_value),
        ([("aws:cloudformation", "x")], "Your TagKey cannot be prefixed with aws:"),
        ([("AWS:x", "x")], "Your TagKey cannot be prefixed with aws:"),
        ([("dup", "1"), ("dup", "2")], "Cannot provide multiple Tags with the same key"),
    ]
    for pairs, message in cases:
        err = expect_error("InvalidTag", 400, s3.put_object_tagging, Bucket=bucket, Key=key,
                           Tagging=tagset(pairs))
        assert err.response["Error"]["Message"] == message, pairs
    # Nothing failed half-way.
    assert tags_of(s3, bucket, key) == dict(longest)


def test_object_tagging_raw_bad_documents(strata, obj):
    bucket, key = obj
    path = quote_path(bucket, key)
    bad = [
        b"",
        b"not xml",
        b"<Tagging><TagSet>",
        b"<Tagging/>",
        b"<Tags><TagSet/></Tags>",
        tagging_xml(raw="<Tag><Key>k</Key></Tag>"),
        tagging_xml(raw="<Tag><Value>v</Value></Tag>"),
        tagging_xml(raw="<Tag><Key>k</Key><Value>v</Value><Extra/></Tag>"),
        b"<!DOCTYPE t><Tagging><TagSet/></Tagging>",
    ]
    for body in bad:
        resp = raw_request(strata, "PUT", path, query={"tagging": None}, body=body)
        assert_raw_error(resp, "MalformedXML", 400)
    # An empty key (botocore refuses to send one) and a CR smuggled as a
    # character reference are InvalidTag.
    for raw in ["<Tag><Key></Key><Value>v</Value></Tag>",
                "<Tag><Key>k</Key><Value>a&#13;&#10;X-Injected: 1</Value></Tag>"]:
        resp = raw_request(strata, "PUT", path, query={"tagging": None},
                           body=tagging_xml(raw=raw))
        assert_raw_error(resp, "InvalidTag", 400)
    resp = raw_request(strata, "GET", path, query={"tagging": None})
    assert b"<TagSet></TagSet>" in resp.content


def test_put_replaces_tags_with_the_new_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="a=1")
    assert tags_of(s3, bucket, "k") == {"a": "1"}
    s3.put_object(Bucket=bucket, Key="k", Body=b"2")
    assert tags_of(s3, bucket, "k") == {}
    assert tag_count(s3.head_object(Bucket=bucket, Key="k")) is None


# --------------------------------------------------------------------------
# x-amz-tagging on PutObject, CreateMultipartUpload and CopyObject
# --------------------------------------------------------------------------

def test_put_object_with_tagging_header(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x",
                  Tagging="tag1=value1&tag2=value%20two&empty=&bare&plus=a+b&esc=%2B%3D%40")
    assert tags_of(s3, bucket, "k") == {
        "tag1": "value1", "tag2": "value two", "empty": "", "bare": "", "plus": "a b",
        "esc": "+=@"}
    head = s3.head_object(Bucket=bucket, Key="k")
    assert tag_count(head) == 6
    # An empty header sets no tags.
    s3.put_object(Bucket=bucket, Key="k2", Body=b"x", Tagging="")
    assert tags_of(s3, bucket, "k2") == {}


@pytest.mark.parametrize("header,code,message", [
    ("a=1&a=2", "InvalidArgument",
     "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
     "without tag name duplicates."),
    ("TagSet=[{Key=string,Value=string}]", "InvalidArgument", None),
    ("a=%ZZ", "InvalidArgument", None),
    ("TagSet%3D%5B%7BKey%3Dstring%2CValue%3Dstring%7D%5D", "InvalidTag",
     "The TagKey you have provided is invalid"),
    ("k=%0D%0AX-Injected%3A1", "InvalidTag", "The TagValue you have provided is invalid"),
    ("aws%3Akey=v", "InvalidTag", "Your TagKey cannot be prefixed with aws:"),
    ("&".join(f"k{i}=v" for i in range(11)), "BadRequest",
     "Object tags cannot be greater than 10"),
])
def test_put_object_bad_tagging_header(s3, bucket, header, code, message):
    err = expect_error(code, 400, s3.put_object, Bucket=bucket, Key="k", Body=b"x",
                       Tagging=header)
    if message:
        assert err.response["Error"]["Message"] == message
    # Refused before anything was stored.
    expect_error("404", 404, s3.head_object, Bucket=bucket, Key="k")


def test_multipart_upload_tags_land_on_the_object(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", Tagging="stage=raw&team=a+b")
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"p" * 1000)
    s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert tags_of(s3, bucket, "big") == {"stage": "raw", "team": "a b"}
    assert tag_count(s3.head_object(Bucket=bucket, Key="big")) == 2

    expect_error("InvalidArgument", 400, s3.create_multipart_upload, Bucket=bucket, Key="bad",
                 Tagging="a=1&a=2")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_copy_keeps_or_replaces_tags(s3, bucket, bucket2):
    s3.put_object(Bucket=bucket, Key="src", Body=b"data", Tagging="origin=src&n=1")
    source = {"Bucket": bucket, "Key": "src"}
    # COPY (the default) copies the source's tags and ignores x-amz-tagging.
    s3.copy_object(Bucket=bucket2, Key="default", CopySource=source, Tagging="ignored=yes")
    assert tags_of(s3, bucket2, "default") == {"origin": "src", "n": "1"}
    s3.copy_object(Bucket=bucket2, Key="copy", CopySource=source, TaggingDirective="COPY")
    assert tags_of(s3, bucket2, "copy") == {"origin": "src", "n": "1"}
    # REPLACE takes the header's (none at all without one).
    s3.copy_object(Bucket=bucket2, Key="replace", CopySource=source, TaggingDirective="REPLACE",
                   Tagging="fresh=tag")
    assert tags_of(s3, bucket2, "replace") == {"fresh": "tag"}
    assert tag_count(s3.head_object(Bucket=bucket2, Key="replace")) == 1
    s3.copy_object(Bucket=bucket2, Key="cleared", CopySource=source, TaggingDirective="REPLACE")
    assert tags_of(s3, bucket2, "cleared") == {}
    # The source is untouched.
    assert tags_of(s3, bucket, "src") == {"origin": "src", "n": "1"}

    expect_error("InvalidArgument", 400, s3.copy_object, Bucket=bucket2, Key="bad",
                 CopySource=source, TaggingDirective="MERGE")
    expect_error("InvalidTag", 400, s3.copy_object, Bucket=bucket2, Key="bad",
                 CopySource=source, TaggingDirective="REPLACE", Tagging="aws%3Ax=1")
    expect_error("404", 404, s3.head_object, Bucket=bucket2, Key="bad")


# --------------------------------------------------------------------------
# Bucket tagging
# --------------------------------------------------------------------------

def test_bucket_tagging_round_trip(s3, bucket):
    err = expect_error("NoSuchTagSet", 404, s3.get_bucket_tagging, Bucket=bucket)
    assert err.response["Error"]["Message"]
    resp = s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset([("env", "prod"), ("team", "")]))
    assert resp["ResponseMetadata"]["HTTPStatusCode"] in (200, 204)
    got = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert {t["Key"]: t["Value"] for t in got} == {"env": "prod", "team": ""}
    fifty = [(f"k{i}", "v") for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset(fifty))
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50

    resp = s3.delete_bucket_tagging(Bucket=bucket)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error("NoSuchTagSet", 404, s3.get_bucket_tagging, Bucket=bucket)
    s3.delete_bucket_tagging(Bucket=bucket)  # nothing to delete: still 204

    # An empty set leaves the bucket without tags.
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset([("a", "1")]))
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    expect_error("NoSuchTagSet", 404, s3.get_bucket_tagging, Bucket=bucket)


def test_bucket_tag_limits(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset([("keep", "me")]))
    err = expect_error("BadRequest", 400, s3.put_bucket_tagging, Bucket=bucket,
                       Tagging=tagset([(f"k{i}", "v") for i in range(51)]))
    assert err.response["Error"]["Message"] == "Bucket tag count cannot be greater than 50"
    for pairs in ([("k" * 129, "v")], [("k", "v" * 257)], [("aws:x", "v")],
                  [("a", "1"), ("a", "2")], [("bad\\char", "v")]):
        expect_error("InvalidTag", 400, s3.put_bucket_tagging, Bucket=bucket,
                     Tagging=tagset(pairs))
    got = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert got == [{"Key": "keep", "Value": "me"}]


def test_bucket_tagging_errors(strata, s3, bucket):
    missing = "no-such-bucket-" + uuid.uuid4().hex[:8]
    expect_error("NoSuchBucket", 404, s3.get_bucket_tagging, Bucket=missing)
    expect_error("NoSuchBucket", 404, s3.put_bucket_tagging, Bucket=missing,
                 Tagging=tagset([("a", "1")]))
    expect_error("NoSuchBucket", 404, s3.delete_bucket_tagging, Bucket=missing)
    resp = raw_request(strata, "PUT", quote_path(bucket), query={"tagging": None},
                       body=b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>")
    assert_raw_error(resp, "MalformedXML", 400)
    resp = raw_request(strata, "POST", quote_path(bucket), query={"tagging": None})
    assert_raw_error(resp, "MethodNotAllowed", 405)


# --------------------------------------------------------------------------
# Authorization: the tagging IAM actions
# --------------------------------------------------------------------------

def test_tagging_actions_are_authorized(strata, s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x", Tagging="a=1")
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset([("b", "2")]))
    policy = f"objects-only-{uuid.uuid4().hex[:8]}"
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                       "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    name, ak, sk = make_user(strata)
    attach_policy(strata, policy, name)
    user = client_for(strata, ak, sk)

    # Plain reads and writes work; the tag count still shows on HEAD.
    assert tag_count(user.head_object(Bucket=bucket, Key="doc")) == 1
    user.put_object(Bucket=bucket, Key="plain", Body=b"y")
    # Setting tags on a PutObject also needs s3:PutObjectTagging (as in AWS).
    expect_error("AccessDenied", 403, user.put_object, Bucket=bucket, Key="tagged", Body=b"y",
                 Tagging="a=1")
    expect_error("404", 404, s3.head_object, Bucket=bucket, Key="tagged")
    expect_error("AccessDenied", 403, user.create_multipart_upload, Bucket=bucket, Key="mp",
                 Tagging="a=1")
    expect_error("AccessDenied", 403, user.get_object_tagging, Bucket=bucket, Key="doc")
    expect_error("AccessDenied", 403, user.put_object_tagging, Bucket=bucket, Key="doc",
                 Tagging=tagset([("x", "y")]))
    expect_error("AccessDenied", 403, user.delete_object_tagging, Bucket=bucket, Key="doc")
    expect_error("AccessDenied", 403, user.get_bucket_tagging, Bucket=bucket)
    expect_error("AccessDenied", 403, user.put_bucket_tagging, Bucket=bucket,
                 Tagging=tagset([("x", "y")]))
    expect_error("AccessDenied", 403, user.delete_bucket_tagging, Bucket=bucket)
    assert tags_of(s3, bucket, "doc") == {"a": "1"}

    # Granting the actions opens each one; DeleteBucketTagging is
    # s3:PutBucketTagging, as in AWS.
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow",
             "Action": ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging",
                        "s3:GetObjectTagging", "s3:DeleteObjectTagging"],
             "Resource": f"arn:aws:s3:::{bucket}/*"},
            {"Effect": "Allow", "Action": ["s3:GetBucketTagging", "s3:PutBucketTagging"],
             "Resource": f"arn:aws:s3:::{bucket}"}]})
    user.put_object(Bucket=bucket, Key="tagged", Body=b"y", Tagging="a=1")
    assert tags_of(user, bucket, "tagged") == {"a": "1"}
    user.put_object_tagging(Bucket=bucket, Key="doc", Tagging=tagset([("x", "y")]))
    user.delete_object_tagging(Bucket=bucket, Key="doc")
    assert user.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "b", "Value": "2"}]
    user.put_bucket_tagging(Bucket=bucket, Tagging=tagset([("c", "3")]))
    user.delete_bucket_tagging(Bucket=bucket)
    expect_error("NoSuchTagSet", 404, s3.get_bucket_tagging, Bucket=bucket)
