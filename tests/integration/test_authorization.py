"""S3 authorization against the real binary: identity policies (built-in roles
and custom ones), bucket policies, anonymous access, conditions, presigned
URLs, and that a denied caller learns nothing about what exists.

Users and keys are made through the admin API (signed by root); the S3 side
is driven with boto3 and plain `requests`, as a user's tools would."""

import json
import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

from strata_helpers import admin_expect, assert_client_error
from strata_helpers import attach_policy as attach
from strata_helpers import (client_for, make_user, put_policy, quote_path, raw_request,
                            unique_bucket_name)


_admin_ok = admin_expect


@pytest.fixture
def owned_bucket(s3):
    name = unique_bucket_name("authz")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="doc.txt", Body=b"hello")
    yield name
    for obj in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=obj["Key"])
    s3.delete_bucket(Bucket=name)


def test_readonly_user_reads_but_cannot_write(strata, owned_bucket):
    _, ak, sk = make_user(strata, policies=["readonly"])
    reader = client_for(strata, ak, sk)
    assert reader.get_object(Bucket=owned_bucket, Key="doc.txt")["Body"].read() == b"hello"
    assert [o["Key"] for o in reader.list_objects_v2(Bucket=owned_bucket)["Contents"]] == [
        "doc.txt"]
    with pytest.raises(ClientError) as e:
        reader.put_object(Bucket=owned_bucket, Key="new.txt", Body=b"x")
    assert_client_error(e, "AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        reader.delete_object(Bucket=owned_bucket, Key="doc.txt")
    assert_client_error(e, "AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        reader.create_bucket(Bucket=unique_bucket_name("ro"))
    assert_client_error(e, "AccessDenied", 403)


def test_user_without_policies_is_denied_everything(strata, owned_bucket):
    _, ak, sk = make_user(strata)
    nobody = client_for(strata, ak, sk)
    with pytest.raises(ClientError) as e:
        nobody.get_object(Bucket=owned_bucket, Key="doc.txt")
    assert_client_error(e, "AccessDenied", 403)
    # ListBuckets answers, with nothing in it.
    assert nobody.list_buckets()["Buckets"] == []


def test_denied_caller_learns_nothing_about_existence(strata, owned_bucket):
    _, ak, sk = make_user(strata)
    nobody = client_for(strata, ak, sk)
    for bucket, key in [(owned_bucket, "doc.txt"), (owned_bucket, "missing"),
                        (unique_bucket_name("nx"), "k")]:
        with pytest.raises(ClientError) as e:
            nobody.get_object(Bucket=bucket, Key=key)
        assert_client_error(e, "AccessDenied", 403)
        # Conditional headers are not looked at either.
        with pytest.raises(ClientError) as e:
            nobody.get_object(Bucket=bucket, Key=key, IfMatch='"nope"')
        assert_client_error(e, "AccessDenied", 403)


def test_bucket_scoped_user_sees_only_its_bucket(strata, s3, owned_bucket):
    other = unique_bucket_name("other")
    s3.create_bucket(Bucket=other)
    try:
        policy = f"scoped-{uuid.uuid4().hex[:8]}"
        put_policy(strata, policy, {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                 "Resource": f"arn:aws:s3:::{owned_bucket}"},
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                 "Resource": f"arn:aws:s3:::{owned_bucket}/*"},
            ]})
        name, ak, sk = make_user(strata)
        attach(strata, policy, name)
        scoped = client_for(strata, ak, sk)
        assert [b["Name"] for b in scoped.list_buckets()["Buckets"]] == [owned_bucket]
        scoped.put_object(Bucket=owned_bucket, Key="mine.txt", Body=b"m")
        assert scoped.get_object(Bucket=owned_bucket, Key="mine.txt")["Body"].read() == b"m"
        with pytest.raises(ClientError) as e:
            scoped.list_objects_v2(Bucket=other)
        assert_client_error(e, "AccessDenied", 403)
        with pytest.raises(ClientError) as e:
            scoped.put_object(Bucket=other, Key="x", Body=b"x")
        assert_client_error(e, "AccessDenied", 403)
        # Copying out of the bucket it cannot read is refused too.
        s3.put_object(Bucket=other, Key="secret.txt", Body=b"s")
        with pytest.raises(ClientError) as e:
            scoped.copy_object(Bucket=owned_bucket, Key="stolen.txt",
                               CopySource={"Bucket": other, "Key": "secret.txt"})
        assert_client_error(e, "AccessDenied", 403)
        # DeleteObjects authorizes each key: the other bucket's are refused.
        result = scoped.delete_objects(Bucket=owned_bucket,
                                       Delete={"Objects": [{"Key": "mine.txt"}]})
        assert [d["Key"] for d in result.get("Deleted", [])] == ["mine.txt"]
        result = scoped.delete_objects(Bucket=other, Delete={"Objects": [{"Key": "secret.txt"}]})
        assert [e["Code"] for e in result.get("Errors", [])] == ["AccessDenied"]
        assert s3.get_object(Bucket=other, Key="secret.txt")["Body"].read() == b"s"
        s3.delete_object(Bucket=other, Key="secret.txt")
    finally:
        s3.delete_bucket(Bucket=other)


def test_anonymous_get_only_under_a_public_read_policy(strata, s3, owned_bucket):
    url = f"{strata.endpoint}{quote_path(owned_bucket, 'doc.txt')}"
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 403
    assert b"<Code>AccessDenied</Code>" in resp.content

    s3.put_bucket_policy(Bucket=owned_bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{owned_bucket}/*"}]}))
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200 and resp.content == b"hello"
    # Reading is all the policy opens.
    resp = requests.put(f"{strata.endpoint}{quote_path(owned_bucket, 'anon.txt')}", data=b"x",
                        timeout=10)
    assert resp.status_code == 403
    resp = requests.get(f"{strata.endpoint}{quote_path(owned_bucket)}", timeout=10)
    assert resp.status_code == 403
    status = s3.get_bucket_policy_status(Bucket=owned_bucket)["PolicyStatus"]
    assert status["IsPublic"] is True

    s3.delete_bucket_policy(Bucket=owned_bucket)
    assert requests.get(url, timeout=10).status_code == 403


def test_bucket_policy_round_trip_and_errors(s3, owned_bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=owned_bucket)
    assert_client_error(e, "NoSuchBucketPolicy", 404)
    document = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"},
                               "Action": "s3:DeleteObject",
                               "Resource": f"arn:aws:s3:::{owned_bucket}/*",
                               "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    s3.put_bucket_policy(Bucket=owned_bucket, Policy=json.dumps(document))
    assert json.loads(s3.get_bucket_policy(Bucket=owned_bucket)["Policy"]) == document
    assert s3.get_bucket_policy_status(Bucket=owned_bucket)["PolicyStatus"]["IsPublic"] is False

    bad = [
        "not json",
        json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),  # no Principal
        json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::some-other-bucket/*"}]}),  # outside the bucket
        json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{owned_bucket}/*",
             "Condition": {"StringEqualz": {"aws:Referer": "x"}}}]}),
    ]
    for text in bad:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_policy(Bucket=owned_bucket, Policy=text)
        assert_client_error(e, "MalformedPolicy", 400)
    # Over AWS's 20 KiB limit: refused unread, like any malformed document.
    oversize = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "S" * 21000, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{owned_bucket}/*"}]})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=owned_bucket, Policy=oversize)
    assert_client_error(e, "MalformedPolicy", 400)
    # The good policy is still there.
    assert json.loads(s3.get_bucket_policy(Bucket=owned_bucket)["Policy"]) == document
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=unique_bucket_name("nx"), Policy=json.dumps(document))
    assert_client_error(e, "NoSuchBucket", 404)
    s3.delete_bucket_policy(Bucket=owned_bucket)


def test_bucket_policy_grants_a_user_and_explicit_deny_wins(strata, s3, owned_bucket):
    name, ak, sk = make_user(strata)
    user = client_for(strata, ak, sk)
    s3.put_bucket_policy(Bucket=owned_bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
                       "Principal": {"AWS": f"arn:aws:iam::000000000000:user/{name}"},
                       "Action": ["s3:GetObject", "s3:PutObject"],
                       "Resource": f"arn:aws:s3:::{owned_bucket}/*"},
                      {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": f"arn:aws:s3:::{owned_bucket}/locked/*"}]}))
    assert user.get_object(Bucket=owned_bucket, Key="doc.txt")["Body"].read() == b"hello"
    user.put_object(Bucket=owned_bucket, Key="open/a", Body=b"a")
    with pytest.raises(ClientError) as e:
        user.put_object(Bucket=owned_bucket, Key="locked/a", Body=b"a")
    assert_client_error(e, "AccessDenied", 403)
    s3.delete_bucket_policy(Bucket=owned_bucket)
    with pytest.raises(ClientError) as e:
        user.get_object(Bucket=owned_bucket, Key="doc.txt")
    assert_client_error(e, "AccessDenied", 403)


def test_source_ip_deny(strata, owned_bucket):
    policy = f"no-loopback-{uuid.uuid4().hex[:8]}"
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}},
        ]})
    name, ak, sk = make_user(strata)
    attach(strata, policy, name)
    user = client_for(strata, ak, sk)
    user.head_bucket(Bucket=owned_bucket)
    with pytest.raises(ClientError) as e:
        user.get_object(Bucket=owned_bucket, Key="doc.txt")
    assert_client_error(e, "AccessDenied", 403)


def test_prefix_condition_on_listing(strata, s3, owned_bucket):
    s3.put_object(Bucket=owned_bucket, Key="home/alice/a", Body=b"a")
    s3.put_object(Bucket=owned_bucket, Key="home/bob/b", Body=b"b")
    name = "alice-" + uuid.uuid4().hex[:6]
    policy = f"home-{uuid.uuid4().hex[:8]}"
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                       "Resource": f"arn:aws:s3:::{owned_bucket}",
                       "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}}]})
    name, ak, sk = make_user(strata, name=name)
    attach(strata, policy, name)
    user = client_for(strata, ak, sk)
    user.list_objects_v2(Bucket=owned_bucket, Prefix=f"home/{name}/")
    with pytest.raises(ClientError) as e:
        user.list_objects_v2(Bucket=owned_bucket, Prefix="home/bob/")
    assert_client_error(e, "AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        user.list_objects_v2(Bucket=owned_bucket)
    assert_client_error(e, "AccessDenied", 403)


def test_presigned_urls_carry_the_signers_permissions(strata, owned_bucket):
    _, ak, sk = make_user(strata, policies=["readonly"])
    reader = client_for(strata, ak, sk)
    get_url = reader.generate_presigned_url(
        "get_object", Params={"Bucket": owned_bucket, "Key": "doc.txt"}, ExpiresIn=300)
    resp = requests.get(get_url, timeout=10)
    assert resp.status_code == 200 and resp.content == b"hello"
    put_url = reader.generate_presigned_url(
        "put_object", Params={"Bucket": owned_bucket, "Key": "via-url.txt"}, ExpiresIn=300)
    resp = requests.put(put_url, data=b"x", timeout=10)
    assert resp.status_code == 403 and b"AccessDenied" in resp.content


def test_disabled_and_deleted_keys_stop_at_once(strata, owned_bucket):
    name, ak, sk = make_user(strata, policies=["readwrite"])
    user = client_for(strata, ak, sk)
    user.head_bucket(Bucket=owned_bucket)
    _admin_ok(strata, "POST", f"keys/{ak}/disable", 204)
    with pytest.raises(ClientError) as e:
        user.head_object(Bucket=owned_bucket, Key="doc.txt")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    _admin_ok(strata, "POST", f"keys/{ak}/enable", 204)
    user.head_object(Bucket=owned_bucket, Key="doc.txt")
    _admin_ok(strata, "POST", f"users/{name}/disable", 204)
    with pytest.raises(ClientError) as e:
        user.get_object(Bucket=owned_bucket, Key="doc.txt")
    assert_client_error(e, "InvalidAccessKeyId", 403)
    _admin_ok(strata, "POST", f"users/{name}/enable", 204)
    user.get_object(Bucket=owned_bucket, Key="doc.txt")
    _admin_ok(strata, "DELETE", f"keys/{ak}", 204)
    with pytest.raises(ClientError) as e:
        user.get_object(Bucket=owned_bucket, Key="doc.txt")
    assert_client_error(e, "InvalidAccessKeyId", 403)


def test_secrets_never_reach_the_log(strata, owned_bucket):
    name, ak, sk = make_user(strata, policies=["readwrite"])
    client_for(strata, ak, sk).put_object(Bucket=owned_bucket, Key="logged.txt", Body=b"x")
    # The request line is written after the response: wait for it.
    deadline = time.monotonic() + 10
    log = strata.log_tail(1000000)
    while ak not in log and time.monotonic() < deadline:
        time.sleep(0.05)
        log = strata.log_tail(1000000)
    assert ak in log  # the request line names the key that signed
    assert sk not in log


def test_unsigned_request_with_no_policy_is_denied_without_existence_leak(strata):
    missing = unique_bucket_name("nx")
    for path in [quote_path(missing), quote_path(missing, "k"), "/"]:
        resp = raw_request(strata, "GET", path, sign=False)
        assert resp.status_code == 403, (path, resp.status_code)
