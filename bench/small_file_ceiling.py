#!/usr/bin/python3
"""The disk's serial small-file rate: the ceiling for a 4 KiB PUT.

Each step is what a durable small-object write costs on this file system
when it goes through files (STYLE.md rule 7): create tmp-N, write 4 KiB,
fdatasync it, rename it into place, fsync the directory. One after another,
no overlap, for at least --seconds; prints one JSON object:
{"ops": N, "seconds": S, "ops_per_s": R, "bytes": 4096}.

Usage: small_file_ceiling.py DIR [--seconds 3] [--bytes 4096]
DIR must exist and be on the file system under test; the files written are
removed afterwards.
"""
import argparse
import json
import os
import shutil
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--bytes", type=int, default=4096)
    args = parser.parse_args()
    work = os.path.join(args.dir, "small-file-ceiling")
    os.makedirs(work, exist_ok=True)
    body = os.urandom(args.bytes)
    dir_fd = os.open(work, os.O_RDONLY | os.O_DIRECTORY)
    ops = 0
    start = time.monotonic()
    try:
        while True:
            tmp = os.path.join(work, f"tmp-{ops}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, body)
                os.fdatasync(fd)
            finally:
                os.close(fd)
            os.rename(tmp, os.path.join(work, f"obj-{ops}"))
            os.fsync(dir_fd)
            ops += 1
            elapsed = time.monotonic() - start
            if elapsed >= args.seconds:
                break
    finally:
        os.close(dir_fd)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"ops": ops, "seconds": elapsed, "ops_per_s": ops / elapsed,
                      "bytes": args.bytes}))


if __name__ == "__main__":
    main()
