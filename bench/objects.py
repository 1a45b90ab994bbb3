#!/usr/bin/python3
"""Object storage benchmark: presigning rate and streaming throughput.

Prints, in one run:
- presigned upload URLs per second through GET /v2/getUploadUrl beside requests per second of
  the server's cheapest route (GET /v2/health), both with wrk on loopback (target >= 0.8);
- PUT and GET throughput of one object (default 1 GiB) through the built-in store, with curl
  and with bench/object_client, beside dd writing the same bytes to the same disk with fsync
  and reading them back, and MD5 of the same bytes (target >= 0.7 of dd; see object_io.py for
  exactly what each side does), and the server's peak resident memory growth (target < 32 MiB);
- the same PUT and GET against OpenStack Swift's s3api on this machine, when it is running
  (tests/services/swift-s3.sh; pass --swift-endpoint).

Usage: bench/objects.py [--build build] [--size-mib 1024] [--swift-endpoint http://127.0.0.1:18480]
                        [--seconds 5] [--rounds 3] [--object-rounds 3] [--only presign|objects]
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import object_io
from benchlib import start_server, wrk_rate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    begin = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - begin


def curl_put(url, path):
    return timed(["curl", "-sf", "-o", "/dev/null", "-T", path, url])


def curl_get(url):
    return timed(["curl", "-sf", "-o", "/dev/null", url])


def swift_urls(endpoint, size_path):
    import boto3  # Debian's python3-boto3
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="test:tester", aws_secret_access_key="testing",
                      config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
    try:
        s3.create_bucket(Bucket="assetd-bench")
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    params = {"Bucket": "assetd-bench", "Key": os.path.basename(size_path)}
    return (s3.generate_presigned_url("put_object", Params=params, ExpiresIn=3600),
            s3.generate_presigned_url("get_object", Params=params, ExpiresIn=3600))


def presign_rates(binary, data_dir, seconds, rounds):
    """Median getUploadUrl req/s, median /v2/health req/s and the median of their ratios over
    `rounds` rounds of a fresh server, each round measuring both back to back, so that a change
    in the machine's load between the two measurements skews one round, not the figure."""
    proc, ready = start_server(binary, data_dir)
    try:
        base, key, project = ready["url"], ready["apiKey"], ready["projectId"]
        presign_url = f"{base}/v2/getUploadUrl?name=a.jpg&project={project}&type=assets"
        wrk_rate(presign_url, key, 1)  # warm-up: connections, caches, the worker pool
        pairs = []
        for _ in range(rounds):
            health = wrk_rate(f"{base}/v2/health", key, seconds)
            pairs.append((wrk_rate(presign_url, key, seconds), health))
        return (statistics.median(p for p, _ in pairs), statistics.median(h for _, h in pairs),
                statistics.median(p / h for p, h in pairs))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def print_presign(presign, health, ratio):
    print(f"presign: getUploadUrl {presign:,.0f} req/s, /v2/health {health:,.0f} req/s, "
          f"ratio {ratio:.2f} (target >= 0.80; medians of rounds)")


def presign_only(args):
    work = tempfile.mkdtemp(prefix="assetd-presign-", dir=os.environ.get("BENCH_DIR"))
    try:
        print_presign(*presign_rates(os.path.join(args.build, "assetd"),
                                     os.path.join(work, "presign-data"), args.seconds,
                                     args.rounds))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="presigning rounds (health, then getUploadUrl, each --seconds)")
    parser.add_argument("--swift-endpoint")
    parser.add_argument("--object-rounds", type=int, default=3,
                        help="rounds of the object PUT/GET and dd figures (medians are printed)")
    parser.add_argument("--only", choices=["presign", "objects"],
                        help="presign: only the presigning rate (no object, no dd, no Swift); "
                             "objects: only the built-in store's PUT/GET beside dd")
    args = parser.parse_args()
    if args.only == "presign":
        return presign_only(args)

    work = tempfile.mkdtemp(prefix="assetd-objects-", dir=os.environ.get("BENCH_DIR"))
    try:
        source = os.path.join(work, "object.bin")
        subprocess.run(["dd", "if=/dev/urandom", f"of={source}", "bs=1M",
                        f"count={args.size_mib}"], check=True, capture_output=True)
        size = os.path.getsize(source)

        presign = None
        if args.only != "objects":
            presign = presign_rates(os.path.join(args.build, "assetd"),
                                    os.path.join(work, "presign-data"), args.seconds,
                                    args.rounds)
        proc, ready = start_server(os.path.join(args.build, "assetd"), os.path.join(work, "data"))
        try:
            runs, rss_growth = object_io.measure(args.build, ready, proc.pid, source, work,
                                                 args.object_rounds)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)

        swift = None
        if args.swift_endpoint and args.only != "objects":
            put_url, get_url = swift_urls(args.swift_endpoint, source)
            swift = (curl_put(put_url, source), curl_get(get_url))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    mib = size / (1 << 20)
    if presign:
        print_presign(*presign)
    object_io.report(runs, rss_growth, size)
    if swift:
        print(f"Swift s3api: PUT {mib / swift[0]:,.0f} MiB/s, GET {mib / swift[1]:,.0f} MiB/s")


if __name__ == "__main__":
    sys.exit(main())
