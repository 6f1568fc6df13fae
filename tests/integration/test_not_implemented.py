"""Operations not implemented yet must answer 501 NotImplemented — never a
silent 2xx, and never a side effect. When one of them gets implemented,
move it out of this table and give it real tests."""


import pytest

from strata_helpers import assert_raw_error, expect_error, list_keys, quote_path, raw_request

CASES = {
    # bucket configuration
    "put_bucket_lifecycle_configuration": lambda s3, b: s3.put_bucket_lifecycle_configuration(
        Bucket=b, LifecycleConfiguration={"Rules": [{
            "ID": "r", "Status": "Enabled", "Filter": {"Prefix": ""},
            "Expiration": {"Days": 1}}]}),
    "put_bucket_acl": lambda s3, b: s3.put_bucket_acl(Bucket=b, ACL="private"),
    # object sub-resources
    "put_object_acl": lambda s3, b: s3.put_object_acl(Bucket=b, Key="existing", ACL="private"),
}


@pytest.mark.parametrize("op", sorted(CASES))
def test_not_implemented(s3, bucket, op):
    s3.put_object(Bucket=bucket, Key="existing", Body=b"x")
    expect_error("NotImplemented", 501, CASES[op], s3, bucket)
    # nothing happened
    assert list_keys(s3, bucket) == ["existing"]
    assert s3.get_object(Bucket=bucket, Key="existing")["Body"].read() == b"x"


def test_not_implemented_raw_document(strata, bucket):
    resp = raw_request(strata, "GET", quote_path(bucket), query={"acl": None})
    fields = assert_raw_error(resp, "NotImplemented", 501)
    assert fields.get("Message")
