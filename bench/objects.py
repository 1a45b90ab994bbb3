#!/usr/bin/python3
"""Object storage benchmark: presigning rate and streaming throughput.

Prints, in one run:
- presigned upload URLs per second through GET /v2/getUploadUrl beside requests per second of
  the server's cheapest route (GET /v2/health), both with wrk on loopback (target >= 0.8);
- PUT and GET throughput of one object (default 1 GiB) through the built-in store, with curl,
  beside dd writing the same amount to the same disk with fsync, and reading it back
  (target >= 0.7), and the server's peak resident memory growth (target < 32 MiB);
- the same PUT and GET against OpenStack Swift's s3api on this machine, when it is running
  (tests/services/swift-s3.sh; pass --swift-endpoint).

Usage: bench/objects.py [--build build] [--size-mib 1024] [--swift-endpoint http://127.0.0.1:18480]
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(binary, data_dir):
    proc = subprocess.Popen(
        [binary, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("assetd ready "):
            return proc, json.loads(line[len("assetd ready "):])
    raise RuntimeError("server did not start")


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wrk_rate(url, key, seconds):
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-H", f"apikey: {key}", url],
        check=True, capture_output=True, text=True).stdout
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))


def timed(cmd):
    begin = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - begin


def curl_put(url, path):
    return timed(["curl", "-sf", "-o", "/dev/null", "-T", path, url])


def curl_get(url):
    return timed(["curl", "-sf", "-o", "/dev/null", url])


def api_get(base, key, path):
    request = urllib.request.Request(base + path, headers={"apikey": key})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--swift-endpoint")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="assetd-objects-", dir=os.environ.get("BENCH_DIR"))
    try:
        source = os.path.join(work, "object.bin")
        subprocess.run(["dd", "if=/dev/urandom", f"of={source}", "bs=1M",
                        f"count={args.size_mib}"], check=True, capture_output=True)
        size = os.path.getsize(source)
        ddfile = os.path.join(work, "dd.bin")
        dd_write = timed(["dd", f"if={source}", f"of={ddfile}", "bs=1M", "conv=fsync"])
        subprocess.run(["sh", "-c", "sync; echo 1 > /proc/sys/vm/drop_caches"], check=False)
        dd_read = timed(["dd", f"if={ddfile}", "of=/dev/null", "bs=1M"])
        os.remove(ddfile)

        proc, ready = start_server(os.path.join(args.build, "assetd"), os.path.join(work, "data"))
        try:
            base, key, project = ready["url"], ready["apiKey"], ready["projectId"]
            health = wrk_rate(f"{base}/v2/health", key, args.seconds)
            presign = wrk_rate(f"{base}/v2/getUploadUrl?name=a.jpg&project={project}&type=assets",
                               key, args.seconds)
            rss_before = peak_rss_kib(proc.pid)
            upload = api_get(base, key, f"/v2/getUploadUrl?name=object.bin&project={project}")
            put_seconds = curl_put(upload["uploadUrl"], source)
            stored = upload["uploadUrl"].split("?")[0]
            signed = api_get(base, key, f"/v2/getSignedUrl?url={stored}")["signedUrl"]
            subprocess.run(["sh", "-c", "sync; echo 1 > /proc/sys/vm/drop_caches"], check=False)
            get_seconds = curl_get(signed)
            rss_growth = (peak_rss_kib(proc.pid) - rss_before) / 1024
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)

        swift = None
        if args.swift_endpoint:
            put_url, get_url = swift_urls(args.swift_endpoint, source)
            swift = (curl_put(put_url, source), curl_get(get_url))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    mib = size / (1 << 20)
    print(f"presign: getUploadUrl {presign:,.0f} req/s, /v2/health {health:,.0f} req/s, "
          f"ratio {presign / health:.2f} (target >= 0.80)")
    print(f"object of {mib:.0f} MiB through the built-in store:")
    print(f"  PUT {mib / put_seconds:,.0f} MiB/s vs dd write+fsync {mib / dd_write:,.0f} MiB/s, "
          f"ratio {dd_write / put_seconds:.2f} (target >= 0.70)")
    print(f"  GET {mib / get_seconds:,.0f} MiB/s vs dd read {mib / dd_read:,.0f} MiB/s, "
          f"ratio {dd_read / get_seconds:.2f} (target >= 0.70)")
    print(f"  server peak memory growth {rss_growth:.1f} MiB (target < 32)")
    if swift:
        print(f"Swift s3api: PUT {mib / swift[0]:,.0f} MiB/s, GET {mib / swift[1]:,.0f} MiB/s")


if __name__ == "__main__":
    sys.exit(main())
