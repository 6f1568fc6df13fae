"""Multipart uploads under faults: a part whose aws-chunked body carries a bad
chunk signature mid-stream, and an upload aborted while its parts are still
arriving. Nothing may be stored or leaked: after GC, the drives and the chunks
table hold exactly what the surviving objects need."""
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import _start
from strata_helpers import (assert_raw_error, chunk_rows, random_bytes, run_gc, sha256,
                            shard_files, streaming_put)

MiB = 1024 * 1024


@pytest.fixture
def gc_server(tmp_path_factory, request):
    # Grace 0: a GC pass reclaims everything unreferenced at once.
    server = _start(tmp_path_factory, "mpf-" + request.node.name[:16],
                    extra_args=["--gc-grace", "0", "--gc-interval", "0"])
    yield server
    server.stop()


def stored_shards(server) -> int:
    return len(shard_files(server))


def test_part_with_a_bad_chunk_signature_mid_stream_stores_nothing(gc_server):
    c = gc_server.client("path")
    c.create_bucket(Bucket="mpf")
    upload_id = c.create_multipart_upload(Bucket="mpf", Key="k")["UploadId"]
    data = random_bytes(6 * MiB)
    query = {"partNumber": "1", "uploadId": upload_id}
    resp = streaming_put(gc_server, "mpf", "k", data, chunk_size=256 * 1024, tamper_chunk=10,
                         query=query)
    assert_raw_error(resp, "SignatureDoesNotMatch", 403)
    assert c.list_parts(Bucket="mpf", Key="k", UploadId=upload_id).get("Parts", []) == []
    # The chunks written before the bad signature are gone, not just unlisted.
    run_gc(gc_server)
    assert stored_shards(gc_server) == 0
    assert chunk_rows(gc_server) == {}

    # The same upload still works with a well-signed part.
    good = streaming_put(gc_server, "mpf", "k", data, chunk_size=256 * 1024, query=query)
    assert good.status_code == 200, good.text
    etag = good.headers["ETag"]
    c.complete_multipart_upload(Bucket="mpf", Key="k", UploadId=upload_id,
                                MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
    assert sha256(c.get_object(Bucket="mpf", Key="k")["Body"].read()) == sha256(data)


def test_abort_while_parts_are_uploading_leaks_nothing(gc_server):
    c = gc_server.client("path")
    c.create_bucket(Bucket="mpf")
    keep = random_bytes(5 * MiB + 7)
    c.put_object(Bucket="mpf", Key="keep", Body=keep)
    upload_id = c.create_multipart_upload(Bucket="mpf", Key="k")["UploadId"]
    started = threading.Barrier(4)
    outcomes = []
    lock = threading.Lock()

    def uploader(worker):
        client = gc_server.client("path")
        started.wait()
        for i in range(6):
            number = worker * 10 + i + 1
            try:
                client.upload_part(Bucket="mpf", Key="k", UploadId=upload_id, PartNumber=number,
                                   Body=random_bytes(5 * MiB))
                result = "ok"
            except ClientError as e:
                result = e.response["Error"]["Code"]
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=uploader, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    started.wait()
    # Let some parts land, then pull the upload out from under the rest.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with lock:
            if outcomes.count("ok") >= 2:
                break
        time.sleep(0.01)
    c.abort_multipart_upload(Bucket="mpf", Key="k", UploadId=upload_id)
    for t in threads:
        t.join(timeout=300)
    assert outcomes.count("ok") >= 2
    assert set(outcomes) <= {"ok", "NoSuchUpload"}
    assert "NoSuchUpload" in outcomes, "parts after the abort must be refused"
    with pytest.raises(ClientError):
        c.list_parts(Bucket="mpf", Key="k", UploadId=upload_id)
    assert c.list_multipart_uploads(Bucket="mpf").get("Uploads", []) == []

    # After GC only the kept object's chunks remain: every part's chunks went,
    # including those of parts that were mid-flight when the abort landed.
    run_gc(gc_server)
    rows = chunk_rows(gc_server)
    assert sum(r["size"] for r in rows.values()) == len(keep)
    assert all(r["refcount"] >= 1 for r in rows.values())
    assert stored_shards(gc_server) == 6 * len(rows)
    assert sha256(c.get_object(Bucket="mpf", Key="keep")["Body"].read()) == sha256(keep)
