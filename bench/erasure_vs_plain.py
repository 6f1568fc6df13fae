#!/usr/bin/python3
"""Erasure coding on vs off, in one run: PUT and GET of 64 MiB (x5) and 1 MiB
(x20) objects, one boto3 stream, against the same Release binary started with
--erasure none and --erasure 4+2; medians. The boto3 client is a ceiling of
its own here (Python, one stream): read the ratios, not the absolute figures.

Usage: /usr/bin/python3 bench/erasure_vs_plain.py build-release/src/app/strata
"""
import boto3, os, statistics, subprocess, sys, tempfile, time, shutil, hashlib
from botocore.config import Config
BIN = sys.argv[1]
def run(mode, port):
    d = tempfile.mkdtemp(prefix=f"ecbench-{mode.replace('+','p')}-", dir=os.environ.get("TMPDIR", "/tmp"))
    env = dict(os.environ, STRATA_ROOT_USER="benchuser", STRATA_ROOT_PASSWORD="benchpass123", STRATA_LOG_LEVEL="warn")
    p = subprocess.Popen([BIN, "server", "--erasure", mode, "--address", f"127.0.0.1:{port}", d + "/data"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    assert p.poll() is None, "server did not start (port taken?)"
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="benchuser",
                      aws_secret_access_key="benchpass123", region_name="us-east-1",
                      config=Config(retries={"max_attempts": 1}, s3={"payload_signing_enabled": False}))
    try:
        return measure(s3)
    finally:
        p.terminate(); p.wait(timeout=30); shutil.rmtree(d)

def measure(s3):
    s3.create_bucket(Bucket="bench")
    out = {}
    for size, n in ((64 << 20, 5), (1 << 20, 20)):
        # A fresh body per PUT: dedup would otherwise store only the first.
        bodies = [os.urandom(size) for _ in range(n)]
        puts, gets = [], []
        for i in range(n):
            t = time.perf_counter(); s3.put_object(Bucket="bench", Key=f"k{size}-{i}", Body=bodies[i]); puts.append(time.perf_counter() - t)
        for i in range(n):
            t = time.perf_counter(); data = s3.get_object(Bucket="bench", Key=f"k{size}-{i}")["Body"].read(); gets.append(time.perf_counter() - t)
            assert len(data) == size
        mib = size / (1 << 20)
        out[size] = (mib / statistics.median(puts), mib / statistics.median(gets))
    return out
res = {m: run(m, 9600 + i) for i, m in enumerate(("none", "4+2"))}
for size in (64 << 20, 1 << 20):
    n, e = res["none"][size], res["4+2"][size]
    print(f"{size>>20:>3} MiB  PUT none {n[0]:7.1f} MiB/s  4+2 {e[0]:7.1f} MiB/s  ratio {e[0]/n[0]:.2f}   "
          f"GET none {n[1]:7.1f} MiB/s  4+2 {e[1]:7.1f} MiB/s  ratio {e[1]/n[1]:.2f}")
