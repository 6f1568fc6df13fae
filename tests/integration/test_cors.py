"""Per-bucket CORS as AWS S3 does it: Put/Get/DeleteBucketCors with every
validation (header injection included), the unauthenticated OPTIONS
preflight, the CORS headers on actual requests (errors too), and the IAM
actions that guard the configuration."""

import uuid

import pytest
import requests

from strata_helpers import (assert_raw_error, attach_policy, client_for, expect_error,
                            make_user, parse_error, put_policy, quote_path, raw_request)

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
APP = "https://app.example.com"

RULES = [
    {"ID": "app", "AllowedOrigins": [APP, "http://*.dev.example.com"],
     "AllowedMethods": ["GET", "PUT", "HEAD"], "AllowedHeaders": ["content-type", "x-amz-*"],
     "ExposeHeaders": ["ETag", "x-amz-request-id"], "MaxAgeSeconds": 3000},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]


def cors_xml(rules_xml):
    return f'<CORSConfiguration xmlns="{S3_XMLNS}">{rules_xml}</CORSConfiguration>'.encode()


def rule_xml(*elements):
    return "<CORSRule>" + "".join(elements) + "</CORSRule>"


ORIGIN = "<AllowedOrigin>https://a.example</AllowedOrigin>"
METHOD = "<AllowedMethod>GET</AllowedMethod>"


@pytest.fixture
def web(s3, bucket):
    """A bucket with RULES and one object."""
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    s3.put_object(Bucket=bucket, Key="page.html", Body=b"<p>hi</p>")
    return bucket


def preflight(server, path, origin=None, method=None, headers=None):
    hdrs = {}
    if origin is not None:
        hdrs["Origin"] = origin
    if method is not None:
        hdrs["Access-Control-Request-Method"] = method
    if headers is not None:
        hdrs["Access-Control-Request-Headers"] = headers
    return requests.options(server.endpoint + path, headers=hdrs, timeout=30)


def cors_headers(resp):
    return {k.lower(): v for k, v in resp.headers.items()
            if k.lower().startswith("access-control-") or k.lower() == "vary"}


# --------------------------------------------------------------------------
# Put/Get/DeleteBucketCors
# --------------------------------------------------------------------------

def test_cors_configuration_round_trip(s3, bucket):
    err = expect_error("NoSuchCORSConfiguration", 404, s3.get_bucket_cors, Bucket=bucket)
    assert err.response["Error"]["Message"]
    resp = s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    # A new configuration replaces the old one.
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES[1:]})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES[1:]
    resp = s3.delete_bucket_cors(Bucket=bucket)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error("NoSuchCORSConfiguration", 404, s3.get_bucket_cors, Bucket=bucket)
    s3.delete_bucket_cors(Bucket=bucket)  # none left: still 204


def test_cors_limits(s3, bucket):
    hundred = [{"AllowedOrigins": [f"https://{i}.example"], "AllowedMethods": ["GET"]}
               for i in range(100)]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": hundred})
    assert len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 100
    expect_error("MalformedXML", 400, s3.put_bucket_cors, Bucket=bucket,
                 CORSConfiguration={"CORSRules": hundred + hundred[:1]})
    assert len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 100


@pytest.mark.parametrize("rule,code,message", [
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PATCH"]}, "InvalidRequest",
     "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["get"]}, "InvalidRequest",
     "Found unsupported HTTP method in CORS config. Unsupported method is get"),
    ({"AllowedOrigins": ["https://*.*.example"], "AllowedMethods": ["GET"]}, "InvalidRequest",
     'AllowedOrigin "https://*.*.example" can not have more than one wildcard.'),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-*-*"]},
     "InvalidRequest", 'AllowedHeader "x-*-*" can not have more than one wildcard.'),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["*"]},
     "InvalidRequest",
     'ExposeHeader "*" contains wildcard. We currently do not support wildcard for '
     'ExposeHeader.'),
    ({"AllowedOrigins": ["https://a.example, https://b.example"], "AllowedMethods": ["GET"]},
     "InvalidRequest", None),
    ({"AllowedOrigins": ["https://a.example\r\nSet-Cookie: x=1"], "AllowedMethods": ["GET"]},
     "InvalidRequest", None),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["ETag\nX-Evil"]},
     "InvalidRequest", None),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ID": "i" * 256}, "InvalidArgument",
     None),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "MaxAgeSeconds": -1}, "MalformedXML",
     None),
])
def test_cors_bad_rules(s3, bucket, rule, code, message):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    err = expect_error(code, 400, s3.put_bucket_cors, Bucket=bucket,
                       CORSConfiguration={"CORSRules": [RULES[1], rule]})
    if message:
        assert err.response["Error"]["Message"] == message
    # Refused whole: the stored configuration did not change.
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES


def test_cors_header_injection_refused(strata, s3, web):
    """Values that would split a response header are refused, however they
    are written, and never reach a response."""
    path = quote_path(web)
    attempts = [
        rule_xml("<AllowedOrigin>https://a.example&#13;&#10;Set-Cookie: evil=1</AllowedOrigin>",
                 METHOD),
        rule_xml("<AllowedOrigin>https://a.example\nX-Injected: 1</AllowedOrigin>", METHOD),
        rule_xml(ORIGIN, METHOD, "<ExposeHeader>ETag&#10;X-Injected: 1</ExposeHeader>"),
        rule_xml(ORIGIN, METHOD, "<AllowedHeader>a&#13;b</AllowedHeader>"),
        rule_xml(ORIGIN, "<AllowedMethod>GET&#13;&#10;X: 1</AllowedMethod>"),
        rule_xml(ORIGIN, METHOD, "<ID>a&#10;b</ID>"),
        rule_xml("<AllowedOrigin>https://a.example&#9;x</AllowedOrigin>", METHOD),
        rule_xml("<AllowedOrigin>https://a.example&#27;[31m</AllowedOrigin>", METHOD),
    ]
    for rules in attempts:
        resp = raw_request(strata, "PUT", path, query={"cors": None}, body=cors_xml(rules))
        code = parse_error(resp).get("Code") if resp.content else None
        assert resp.status_code == 400 and code in ("InvalidRequest", "MalformedXML"), (
            rules, resp.status_code, resp.content[:300])
    assert s3.get_bucket_cors(Bucket=web)["CORSRules"] == RULES
    # An Origin that is a list (or otherwise could not be echoed safely)
    # matches no rule, not even "*".
    resp = preflight(strata, quote_path(web, "page.html"), "https://a, https://b", "GET")
    assert_raw_error(resp, "AccessForbidden", 403)
    assert cors_headers(resp) == {}
    resp = raw_request(strata, "GET", quote_path(web, "page.html"),
                       headers={"Origin": "https://a, https://b"})
    assert resp.status_code == 200
    assert cors_headers(resp) == {}


def test_cors_raw_bad_documents(strata, bucket):
    path = quote_path(bucket)
    for body in [b"", b"not xml", cors_xml(""), b"<CORSConfiguration>",
                 cors_xml(rule_xml(ORIGIN)), cors_xml(rule_xml(METHOD)),
                 cors_xml(rule_xml(ORIGIN, METHOD, "<Colour>red</Colour>")),
                 cors_xml(rule_xml(ORIGIN, METHOD, "<MaxAgeSeconds>soon</MaxAgeSeconds>")),
                 b"<CORSConfiguration><CORSRule>" + b"x" * (70 * 1024) + b"</CORSRule>"
                 b"</CORSConfiguration>"]:
        resp = raw_request(strata, "PUT", path, query={"cors": None}, body=body)
        assert_raw_error(resp, "MalformedXML", 400)
    resp = raw_request(strata, "PUT", path, query={"cors": None},
                       body=cors_xml(rule_xml(ORIGIN, METHOD)))
    assert resp.status_code == 200
    resp = raw_request(strata, "GET", path, query={"cors": None})
    assert resp.status_code == 200
    assert resp.content == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>'
        b"<AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://a.example</AllowedOrigin>"
        b"</CORSRule></CORSConfiguration>")


def test_cors_missing_bucket(s3):
    missing = "no-such-bucket-" + uuid.uuid4().hex[:8]
    expect_error("NoSuchBucket", 404, s3.get_bucket_cors, Bucket=missing)
    expect_error("NoSuchBucket", 404, s3.put_bucket_cors, Bucket=missing,
                 CORSConfiguration={"CORSRules": RULES})
    expect_error("NoSuchBucket", 404, s3.delete_bucket_cors, Bucket=missing)


# --------------------------------------------------------------------------
# Preflight (OPTIONS), answered without authentication
# --------------------------------------------------------------------------

def test_preflight_allowed(strata, web):
    resp = preflight(strata, quote_path(web, "page.html"), APP, "PUT",
                     "Content-Type, X-Amz-Date")
    assert resp.status_code == 200, resp.content
    assert resp.content == b""
    h = cors_headers(resp)
    assert h["access-control-allow-origin"] == APP
    assert h["access-control-allow-methods"] == "GET, PUT, HEAD"
    assert h["access-control-allow-headers"] == "content-type, x-amz-date"
    assert h["access-control-expose-headers"] == "ETag, x-amz-request-id"
    assert h["access-control-max-age"] == "3000"
    assert h["access-control-allow-credentials"] == "true"
    assert "Origin" in h["vary"]
    assert "Access-Control-Request-Method" in h["vary"]
    assert "Access-Control-Request-Headers" in h["vary"]
    # The wildcard origin, on the bucket itself and with any query.
    resp = requests.options(strata.endpoint + quote_path(web) + "?uploads",
                            headers={"Origin": "http://x.dev.example.com",
                                     "Access-Control-Request-Method": "GET"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "http://x.dev.example.com"


def test_preflight_any_origin_rule(strata, web):
    resp = preflight(strata, quote_path(web, "page.html"), "https://elsewhere.example", "GET")
    assert resp.status_code == 200
    h = cors_headers(resp)
    assert h["access-control-allow-origin"] == "*"
    assert h["access-control-allow-methods"] == "GET"
    assert "access-control-allow-credentials" not in h
    assert "access-control-max-age" not in h


@pytest.mark.parametrize("origin,method,headers", [
    ("https://elsewhere.example", "PUT", None),      # only GET for any origin
    (APP, "DELETE", None),                           # method not in the rule
    (APP, "PUT", "Authorization"),                   # header not allowed
    ("https://elsewhere.example", "GET", "x-amz-date"),  # the "*" rule allows no header
    ("http://dev.example.com.evil", "PUT", None),
])
def test_preflight_not_allowed(strata, web, origin, method, headers):
    resp = preflight(strata, quote_path(web, "page.html"), origin, method, headers)
    fields = assert_raw_error(resp, "AccessForbidden", 403)
    assert fields["Message"].startswith("CORSResponse: This CORS request is not allowed.")
    assert "access-control-allow-origin" not in cors_headers(resp)


def test_preflight_without_configuration(strata, bucket):
    resp = preflight(strata, quote_path(bucket, "k"), APP, "GET")
    fields = assert_raw_error(resp, "AccessForbidden", 403)
    assert fields["Message"] == "CORSResponse: CORS is not enabled for this bucket."


def test_preflight_bad_requests(strata, web):
    path = quote_path(web, "page.html")
    resp = preflight(strata, path, None, "GET")
    fields = assert_raw_error(resp, "BadRequest", 400)
    assert fields["Message"] == "Insufficient information. Origin request header needed."
    resp = preflight(strata, path, APP, None)
    fields = assert_raw_error(resp, "BadRequest", 400)
    assert fields["Message"] == "Invalid Access-Control-Request-Method: null"
    resp = preflight(strata, path, APP, "PATCH")
    fields = assert_raw_error(resp, "BadRequest", 400)
    assert fields["Message"] == "Invalid Access-Control-Request-Method: PATCH"
    missing = "no-such-bucket-" + uuid.uuid4().hex[:8]
    resp = preflight(strata, quote_path(missing, "k"), APP, "GET")
    assert_raw_error(resp, "NoSuchBucket", 404)


# --------------------------------------------------------------------------
# Actual requests carrying Origin
# --------------------------------------------------------------------------

def test_actual_requests_get_cors_headers(strata, s3, web):
    path = quote_path(web, "page.html")
    resp = raw_request(strata, "GET", path, headers={"Origin": APP})
    assert resp.status_code == 200
    h = cors_headers(resp)
    assert h["access-control-allow-origin"] == APP
    assert h["access-control-allow-methods"] == "GET, PUT, HEAD"
    assert h["access-control-expose-headers"] == "ETag, x-amz-request-id"
    assert h["access-control-allow-credentials"] == "true"
    assert h["vary"] == "Origin"
    resp = raw_request(strata, "HEAD", path, headers={"Origin": "http://a.dev.example.com"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "http://a.dev.example.com"
    # The "*" rule: any origin, GET only.
    resp = raw_request(strata, "GET", path, headers={"Origin": "https://elsewhere.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    # No rule for the method, no header; no Origin, no header either.
    resp = raw_request(strata, "PUT", quote_path(web, "new"), body=b"x",
                       headers={"Origin": "https://elsewhere.example"})
    assert resp.status_code == 200
    assert cors_headers(resp) == {}
    resp = raw_request(strata, "GET", path)
    assert cors_headers(resp) == {}


def test_error_answers_carry_cors_headers(strata, web):
    # A missing key, with a signed request.
    resp = raw_request(strata, "GET", quote_path(web, "missing"), headers={"Origin": APP})
    assert_raw_error(resp, "NoSuchKey", 404)
    assert resp.headers["Access-Control-Allow-Origin"] == APP
    assert resp.headers["Vary"] == "Origin"
    # An anonymous caller (no signature) is refused, and its browser can
    # still read the refusal.
    resp = requests.get(strata.endpoint + quote_path(web, "page.html"),
                        headers={"Origin": APP}, timeout=30)
    assert_raw_error(resp, "AccessDenied", 403)
    assert resp.headers["Access-Control-Allow-Origin"] == APP
    assert resp.headers["Access-Control-Expose-Headers"] == "ETag, x-amz-request-id"


def test_cors_follows_configuration_changes(strata, s3, web):
    path = quote_path(web, "page.html")
    assert raw_request(strata, "GET", path, headers={"Origin": APP}).headers.get(
        "Access-Control-Allow-Origin") == APP
    s3.delete_bucket_cors(Bucket=web)
    resp = raw_request(strata, "GET", path, headers={"Origin": APP})
    assert resp.status_code == 200
    assert cors_headers(resp) == {}
    resp = preflight(strata, path, APP, "GET")
    assert_raw_error(resp, "AccessForbidden", 403)


# --------------------------------------------------------------------------
# Authorization
# --------------------------------------------------------------------------

def test_cors_actions_are_authorized(strata, s3, web):
    policy = f"no-cors-{uuid.uuid4().hex[:8]}"
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket"],
                       "Resource": f"arn:aws:s3:::{web}"}]})
    name, ak, sk = make_user(strata)
    attach_policy(strata, policy, name)
    user = client_for(strata, ak, sk)
    expect_error("AccessDenied", 403, user.get_bucket_cors, Bucket=web)
    expect_error("AccessDenied", 403, user.put_bucket_cors, Bucket=web,
                 CORSConfiguration={"CORSRules": RULES[1:]})
    expect_error("AccessDenied", 403, user.delete_bucket_cors, Bucket=web)
    assert s3.get_bucket_cors(Bucket=web)["CORSRules"] == RULES

    # DeleteBucketCors is s3:PutBucketCORS, as in AWS.
    put_policy(strata, policy, {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetBucketCORS", "s3:PutBucketCORS"],
                       "Resource": f"arn:aws:s3:::{web}"}]})
    assert user.get_bucket_cors(Bucket=web)["CORSRules"] == RULES
    user.put_bucket_cors(Bucket=web, CORSConfiguration={"CORSRules": RULES[1:]})
    user.delete_bucket_cors(Bucket=web)
    expect_error("NoSuchCORSConfiguration", 404, s3.get_bucket_cors, Bucket=web)
