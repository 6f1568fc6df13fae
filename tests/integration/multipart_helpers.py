"""Helpers for the multipart and additional-checksum tests: the checksums S3
computes (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256; multipart ETags and
COMPOSITE / FULL_OBJECT checksums), and raw requests for what Debian's
botocore 1.29 cannot send (CRC64NVME, x-amz-checksum-type, aws-chunked
bodies with a trailing checksum built by hand, partNumber out of range,
malformed CompleteMultipartUpload documents).

CRC32 comes from zlib; CRC32C and CRC64NVME are small table-driven pure
Python implementations (about 7 MB/s: keep checksummed bodies to a few MiB).
"""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
import zlib

from strata_helpers import (S3_NS, parse_xml, quote_path, raw_request)

MiB = 1024 * 1024
MIN_PART = 5 * MiB

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


# --------------------------------------------------------------------------
# Checksums
# --------------------------------------------------------------------------

def _reflected_table(poly: int) -> list:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C_TABLE = _reflected_table(0x82F63B78)
_CRC64NVME_TABLE = _reflected_table(0x9A6C9329AC4BC9B5)
_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF


def _crc(data: bytes, table, mask: int, crc: int) -> int:
    c = crc ^ mask
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ mask


def crc32(data: bytes, crc: int = 0) -> int:
    return zlib.crc32(data, crc) & _MASK32


def crc32c(data: bytes, crc: int = 0) -> int:
    """CRC-32C (Castagnoli). crc: the value of the data before, to continue."""
    return _crc(data, _CRC32C_TABLE, _MASK32, crc)


def crc64nvme(data: bytes, crc: int = 0) -> int:
    """CRC-64/NVME (reflected 0x9A6C9329AC4BC9B5, init and xorout all ones)."""
    return _crc(data, _CRC64NVME_TABLE, _MASK64, crc)


_CRCS = {"CRC32": (crc32, 4), "CRC32C": (crc32c, 4), "CRC64NVME": (crc64nvme, 8)}


def raw_checksum(algorithm: str, data: bytes) -> bytes:
    """The checksum's bytes as S3 encodes them (CRCs big-endian)."""
    algorithm = algorithm.upper()
    if algorithm in _CRCS:
        fn, width = _CRCS[algorithm]
        return fn(data).to_bytes(width, "big")
    if algorithm == "SHA1":
        return hashlib.sha1(data).digest()
    if algorithm == "SHA256":
        return hashlib.sha256(data).digest()
    raise ValueError(f"unknown checksum algorithm {algorithm}")


def checksum_b64(algorithm: str, data: bytes) -> str:
    """The value of x-amz-checksum-<algorithm> for data."""
    return base64.b64encode(raw_checksum(algorithm, data)).decode()


def full_object_crc_b64(algorithm: str, parts) -> str:
    """FULL_OBJECT checksum of a multipart object: the CRC of all its bytes,
    chained part by part (no "-N")."""
    fn, width = _CRCS[algorithm.upper()]
    c = 0
    for p in parts:
        c = fn(p, c)
    return base64.b64encode(c.to_bytes(width, "big")).decode()


def composite_checksum(algorithm: str, parts) -> str:
    """COMPOSITE checksum of a multipart object: the checksum of the
    concatenated binary part checksums, then "-<number of parts>"."""
    raw = b"".join(raw_checksum(algorithm, p) for p in parts)
    return f"{checksum_b64(algorithm, raw)}-{len(parts)}"


def multipart_etag(parts) -> str:
    """S3's multipart ETag: hex MD5 of the concatenated binary part MD5s,
    "-N", quoted."""
    md5s = b"".join(hashlib.md5(p).digest() for p in parts)
    return '"%s-%d"' % (hashlib.md5(md5s).hexdigest(), len(parts))


def checksum_header(algorithm: str) -> str:
    return f"x-amz-checksum-{algorithm.lower()}"


def checksum_member(algorithm: str) -> str:
    """The boto3 / XML member name: ChecksumCRC32, ChecksumCRC64NVME, ..."""
    return f"Checksum{algorithm.upper()}"


def botocore_algorithms(client) -> set:
    """The ChecksumAlgorithm values this botocore's S3 model knows."""
    shape = client.meta.service_model.shape_for("ChecksumAlgorithm")
    return set(shape.enum)


# --------------------------------------------------------------------------
# aws-chunked with a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER)
# --------------------------------------------------------------------------

def trailer_body(data: bytes, algorithm: str, *, chunk_size: int = 64 * 1024,
                 value: str | None = None) -> bytes:
    """An aws-chunked body whose last chunk is followed by the trailer
    x-amz-checksum-<algorithm>:<value> (the right value unless given)."""
    if value is None:
        value = checksum_b64(algorithm, data)
    out = bytearray()
    for i in range(0, len(data), chunk_size):
        c = data[i:i + chunk_size]
        out += f"{len(c):x}\r\n".encode() + c + b"\r\n"
    out += b"0\r\n"
    out += f"{checksum_header(algorithm)}:{value}\r\n".encode()
    out += b"\r\n"
    return bytes(out)


def trailer_request(server, method, path, data: bytes, algorithm: str, *, query=None,
                    value: str | None = None, headers=None, endpoint=None,
                    chunk_size: int = 64 * 1024):
    """Send data as what the current AWS SDKs send for a stream body: unsigned
    aws-chunked with the checksum as a trailer (the request headers are still
    SigV4-signed)."""
    body = trailer_body(data, algorithm, chunk_size=chunk_size, value=value)
    hdrs = {
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-trailer": checksum_header(algorithm),
        "x-amz-sdk-checksum-algorithm": algorithm.upper(),
        "Content-Length": str(len(body)),
    }
    hdrs.update(headers or {})
    return raw_request(server, method, path, query=query, headers=hdrs, body=body,
                       payload_hash=STREAMING_UNSIGNED_TRAILER, endpoint=endpoint)


# --------------------------------------------------------------------------
# Raw multipart requests
# --------------------------------------------------------------------------

def xml_text(root: ET.Element, tag: str):
    el = root.find(tag)
    return None if el is None else (el.text or "")


def raw_create_upload(server, bucket, key, headers=None, endpoint=None):
    """CreateMultipartUpload by hand: (response, upload id or None)."""
    resp = raw_request(server, "POST", quote_path(bucket, key), query={"uploads": None},
                       headers=headers, endpoint=endpoint)
    upload_id = None
    if resp.status_code == 200:
        upload_id = xml_text(parse_xml(resp.content), "UploadId")
    return resp, upload_id


def raw_upload_part(server, bucket, key, upload_id, part_number, data: bytes, headers=None,
                    endpoint=None):
    return raw_request(server, "PUT", quote_path(bucket, key),
                       query={"partNumber": part_number, "uploadId": upload_id},
                       headers=headers, body=data, endpoint=endpoint)


def complete_xml(parts) -> bytes:
    """A CompleteMultipartUpload document. parts: dicts with PartNumber, ETag
    and optional Checksum<ALG> members, in the order given."""
    ns = S3_NS.strip("{}")
    root = ET.Element("CompleteMultipartUpload", xmlns=ns)
    for p in parts:
        el = ET.SubElement(root, "Part")
        for name in ("PartNumber", "ETag", *sorted(k for k in p if k.startswith("Checksum"))):
            if name in p:
                ET.SubElement(el, name).text = str(p[name])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def raw_complete(server, bucket, key, upload_id, parts=None, *, body: bytes | None = None,
                 headers=None, endpoint=None):
    if body is None:
        body = complete_xml(parts)
    return raw_request(server, "POST", quote_path(bucket, key), query={"uploadId": upload_id},
                       headers=headers, body=body, endpoint=endpoint)


def complete_result(resp) -> dict:
    """The fields of a CompleteMultipartUploadResult (an error answered with
    200 is an AssertionError)."""
    assert resp.status_code == 200, f"HTTP {resp.status_code}: {resp.content[:800]!r}"
    root = parse_xml(resp.content)
    assert root.tag == "CompleteMultipartUploadResult", (
        f"CompleteMultipartUpload answered 200 with <{root.tag}>: {resp.content[:800]!r}")
    return {child.tag: (child.text or "") for child in root}
