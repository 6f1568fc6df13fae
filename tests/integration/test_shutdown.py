"""Graceful shutdown against the real binary: SIGTERM while a large upload is
streaming lets it finish (and it is readable after a restart), refuses new
connections during the drain, and exits 0."""
import signal
import socket
import threading
import time

import pytest

from conftest import _start
from strata_helpers import random_bytes, sha256

MiB = 1024 * 1024


@pytest.fixture
def drain_server(tmp_path_factory, request):
    server = _start(tmp_path_factory, "drain-" + request.node.name[:16],
                    extra_args=["--shutdown-timeout", "120"])
    yield server
    server.stop()


def test_sigterm_lets_a_200_mib_upload_finish(drain_server):
    c = drain_server.client("path")
    c.create_bucket(Bucket="drain")
    data = random_bytes(200 * MiB)
    result = {}

    def upload():
        try:
            result["etag"] = c.put_object(Bucket="drain", Key="big", Body=data)["ETag"]
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = repr(e)

    uploader = threading.Thread(target=upload)
    uploader.start()
    # Wait until the body is flowing: the request is in the log only at its
    # end, so watch the drives instead (the shard files of its first chunks).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.is_file() for p in (drain_server.data_dir / "drive1" / "chunks").rglob("*")):
            break
        time.sleep(0.01)
    assert uploader.is_alive(), "the upload finished before the signal: make it bigger"
    drain_server.proc.send_signal(signal.SIGTERM)

    # During the drain the listener is closed: new connections are refused.
    time.sleep(0.3)
    assert uploader.is_alive(), "the upload must still be streaming during the drain"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", drain_server.port), timeout=5).close()

    uploader.join(timeout=300)
    assert "error" not in result, result.get("error")
    assert drain_server.proc.wait(timeout=150) == 0, drain_server.log_tail()

    drain_server.start()
    c = drain_server.client("path")
    body = c.get_object(Bucket="drain", Key="big")["Body"].read()
    assert sha256(body) == sha256(data)
