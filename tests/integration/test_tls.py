"""TLS on the server's port (--tls-cert/--tls-key), with a self-signed
certificate made by openssl in the fixture: boto3 over HTTPS (path and
virtual-host style), UNSIGNED-PAYLOAD and signed payloads, aws-chunked
bodies with trailing checksums (botocore sends those only over TLS),
presigned URLs, plain HTTP still answered on the same port."""

import ssl
import subprocess

import pytest
import requests

from strata_helpers import (TLS_VHOST_BUCKETS, streaming_put, assert_absent, assert_content, empty_and_delete_bucket,
                            etag_of, expect_error, random_bytes, read_body, sha256,
                            unique_bucket_name, which)

MiB = 1024 * 1024


@pytest.fixture
def tls_s3(tls_strata):
    return tls_strata.client("path")


@pytest.fixture
def tls_bucket(tls_s3, request):
    name = unique_bucket_name("tls-" + request.node.name.replace("test_", "", 1))
    tls_s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(tls_s3, name)


def record_headers(client, operation):
    """Collect the headers of each `operation` request as sent."""
    seen = []

    def hook(request, **_):
        h = {k.lower(): (v.decode() if isinstance(v, bytes) else v)
             for k, v in request.headers.items()}
        h[":url"] = request.url
        seen.append(h)

    client.meta.events.register(f"before-send.s3.{operation}", hook)
    return seen


def test_endpoint_is_https(tls_strata):
    assert tls_strata.endpoint.startswith("https://")
    r = requests.get(tls_strata.endpoint + "/_strata/health/live", verify=tls_strata.ca_file,
                     timeout=30)
    assert r.status_code == 200


def test_server_presents_our_certificate(tls_strata):
    pem = ssl.get_server_certificate(("127.0.0.1", tls_strata.port))
    ours = open(tls_strata.cert_file).read()
    assert ssl.PEM_cert_to_DER_cert(pem) == ssl.PEM_cert_to_DER_cert(ours)


def test_untrusted_without_our_ca(tls_strata):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls_strata.endpoint + "/_strata/health/live", verify=True, timeout=30)


@pytest.mark.parametrize("size", [0, 1000, MiB + 7, 8 * MiB])
def test_put_get_over_tls(tls_s3, tls_bucket, size):
    data = random_bytes(size)
    put = tls_s3.put_object(Bucket=tls_bucket, Key="obj", Body=data)
    assert put["ETag"] == etag_of(data)
    assert_content(tls_s3, tls_bucket, "obj", data)


@pytest.mark.parametrize("signing", [False, True], ids=["unsigned-payload", "signed-payload"])
def test_payload_signing_modes(tls_strata, tls_bucket, signing):
    c = tls_strata.client("path", s3={"payload_signing_enabled": signing})
    sent = record_headers(c, "PutObject")
    data = random_bytes(500_000)
    c.put_object(Bucket=tls_bucket, Key="k", Body=data)
    expected = sha256(data) if signing else "UNSIGNED-PAYLOAD"
    assert sent[-1].get("x-amz-content-sha256") == expected
    assert_content(c, tls_bucket, "k", data)


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256", "SHA1"])
@pytest.mark.parametrize("size", [1, 100_000, 3 * MiB + 1])
def test_aws_chunked_trailing_checksum(tls_strata, tls_bucket, algorithm, size):
    c = tls_strata.client("path")
    sent = record_headers(c, "PutObject")
    data = random_bytes(size)
    put = c.put_object(Bucket=tls_bucket, Key="chunked", Body=data, ChecksumAlgorithm=algorithm)
    h = sent[-1]
    # botocore 1.29 over TLS: aws-chunked body with the checksum as trailer.
    assert "aws-chunked" in h.get("content-encoding", ""), h
    assert h.get("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert h.get("x-amz-trailer") == f"x-amz-checksum-{algorithm.lower()}"
    assert put["ETag"] == etag_of(data)
    assert_content(c, tls_bucket, "chunked", data)
    head = c.head_object(Bucket=tls_bucket, Key="chunked")
    assert head["ContentLength"] == size
    assert "aws-chunked" not in head.get("ContentEncoding", "")


def test_aws_chunked_keeps_real_content_encoding(tls_strata, tls_bucket):
    # botocore 1.29 overwrites the caller's Content-Encoding with aws-chunked
    # (a client bug), so send both encodings by hand, in one header and in two.
    import gzip
    c = tls_strata.client("path")
    data = gzip.compress(random_bytes(20_000))
    for key, encoding in (("gz1", "gzip,aws-chunked"), ("gz2", "aws-chunked,gzip")):
        resp = streaming_put(tls_strata, tls_bucket, key, data,
                             extra_headers={"Content-Encoding": encoding})
        assert resp.status_code == 200, resp.content
        head = c.head_object(Bucket=tls_bucket, Key=key)
        assert head.get("ContentEncoding") == "gzip"
        assert_content(c, tls_bucket, key, data)


def test_upload_file_over_tls(tls_s3, tls_bucket, tmp_path):
    data = random_bytes(6 * MiB)
    src = tmp_path / "f"
    src.write_bytes(data)
    tls_s3.upload_file(str(src), tls_bucket, "uploaded")
    dst = tmp_path / "g"
    tls_s3.download_file(tls_bucket, "uploaded", str(dst))
    assert sha256(dst.read_bytes()) == sha256(data)


@pytest.mark.parametrize("name", TLS_VHOST_BUCKETS)
def test_virtual_host_over_tls(tls_strata, tls_s3, name):
    vc = tls_strata.client("virtual")
    sent = record_headers(vc, "PutObject")
    try:
        vc.create_bucket(Bucket=name)
        data = random_bytes(300_000)
        vc.put_object(Bucket=name, Key="dir/v h.bin", Body=data)
        assert sent[-1][":url"].startswith(f"https://{name}.localhost:"), sent[-1][":url"]
        assert_content(vc, name, "dir/v h.bin", data)
        assert_content(tls_s3, name, "dir/v h.bin", data)
        keys = [o["Key"] for o in vc.list_objects_v2(Bucket=name)["Contents"]]
        assert keys == ["dir/v h.bin"]
        vc.delete_object(Bucket=name, Key="dir/v h.bin")
        assert_absent(tls_s3, name, "dir/v h.bin")
        vc.delete_bucket(Bucket=name)
    finally:
        empty_and_delete_bucket(tls_s3, name)


def test_presigned_over_tls(tls_strata, tls_s3, tls_bucket):
    data = random_bytes(10_000)
    tls_s3.put_object(Bucket=tls_bucket, Key="p", Body=data)
    url = tls_s3.generate_presigned_url("get_object", Params={"Bucket": tls_bucket, "Key": "p"})
    assert url.startswith("https://")
    r = requests.get(url, verify=tls_strata.ca_file, timeout=60)
    assert r.status_code == 200
    assert sha256(r.content) == sha256(data)


def test_plain_http_on_same_port(tls_strata, tls_s3, tls_bucket):
    r = requests.get(tls_strata.http_endpoint + "/_strata/health/live", timeout=30)
    assert r.status_code == 200
    tls_s3.put_object(Bucket=tls_bucket, Key="both", Body=b"over tls")
    plain = tls_strata.client("path", endpoint=tls_strata.http_endpoint)
    assert read_body(plain.get_object(Bucket=tls_bucket, Key="both")) == b"over tls"
    plain.put_object(Bucket=tls_bucket, Key="plain", Body=b"over http")
    assert_content(tls_s3, tls_bucket, "plain", b"over http")


def test_wrong_secret_over_tls(tls_strata, tls_s3, tls_bucket):
    bad = tls_strata.client("path", secret_key="Z" * 40)
    expect_error("SignatureDoesNotMatch", 403, bad.put_object, Bucket=tls_bucket, Key="x",
                 Body=b"x")
    assert_absent(tls_s3, tls_bucket, "x")


def test_awscli_over_tls(tls_strata, tls_s3, tls_bucket, tmp_path, clean_env):
    aws = which("aws", "/usr/bin/aws")
    env = dict(clean_env, AWS_ACCESS_KEY_ID=tls_strata.access_key,
               AWS_SECRET_ACCESS_KEY=tls_strata.secret_key, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
               AWS_CA_BUNDLE=tls_strata.ca_file, AWS_EC2_METADATA_DISABLED="true",
               AWS_PAGER="")
    data = random_bytes(2 * MiB)
    src = tmp_path / "up.bin"
    src.write_bytes(data)
    out = tmp_path / "down.bin"
    for args in (["s3", "cp", str(src), f"s3://{tls_bucket}/cli/up.bin"],
                 ["s3", "cp", f"s3://{tls_bucket}/cli/up.bin", str(out)]):
        p = subprocess.run([aws, "--endpoint-url", tls_strata.endpoint, *args], env=env,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    assert sha256(out.read_bytes()) == sha256(data)
    assert_content(tls_s3, tls_bucket, "cli/up.bin", data)
