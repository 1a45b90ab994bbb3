#!/usr/bin/python3
"""Import and list benchmark of the embedded default (SQLite).

Imports N assets into one project (1,000 per request, C concurrent clients) through the HTTP API
and compares the rate with inserting the same rows straight into the same SQLite schema
(bench/raw_sqlite_insert, run in the same process tree on the same disk just before). Then lists
page 1 and page P (limit 100) with and without a metadata filter and prints median latencies and
the deep/first ratio.

Usage: bench/import_list.py [--assets 200000] [--clients 4] [--deep-page 1000] [--build build]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(binary, data_dir):
    proc = subprocess.Popen(
        [binary, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("assetd ready "):
            return proc, json.loads(line[len("assetd ready "):])
    raise RuntimeError("server did not start")


def asset_body(start, count):
    assets = [{
        "data": f"https://bucket.example.com/images/{i:08d}.jpg",
        "externalId": f"{i:08d}.jpg",
        "metadata": {"camera": "front" if i % 2 else "rear", "index": i},
    } for i in range(start, start + count)]
    return json.dumps({"assets": assets}).encode()


def run_import(port, key, project, total, per_request, clients):
    bodies = [asset_body(s, per_request) for s in range(0, total, per_request)]
    lock = threading.Lock()
    next_index = [0]
    errors = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        headers = {"apikey": key, "Content-Type": "application/json"}
        while True:
            with lock:
                if next_index[0] >= len(bodies):
                    break
                body = bodies[next_index[0]]
                next_index[0] += 1
            conn.request("POST", f"/v2/project/{project}/cloud", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != 201:
                errors.append(payload[:200])
                break

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    if errors:
        raise RuntimeError(f"import failed: {errors[0]!r}")
    return total / elapsed


def median_latency_ms(port, key, path, runs):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    samples = []
    for _ in range(runs + 2):
        begin = time.perf_counter()
        conn.request("GET", path, headers={"apikey": key})
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - begin) * 1000)
        if response.status != 200:
            raise RuntimeError(f"list failed: {body[:200]!r}")
    return statistics.median(samples[2:])  # the first two warm the caches


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=200_000)
    parser.add_argument("--per-request", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--deep-page", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="assetd-bench-", dir=os.environ.get("BENCH_DIR"))
    try:
        raw = subprocess.run(
            [os.path.join(args.build, "raw_sqlite_insert"), "--db", os.path.join(work, "raw.db"),
             "--count", str(args.assets)], check=True, capture_output=True, text=True).stdout
        raw_rate = float(re.search(r"raw_rows_per_second=([0-9.]+)", raw).group(1))

        proc, ready = start_server(os.path.join(args.build, "assetd"), os.path.join(work, "data"))
        try:
            port = int(ready["url"].rsplit(":", 1)[1])
            key, project = ready["apiKey"], ready["projectId"]
            rate = run_import(port, key, project, args.assets, args.per_request, args.clients)
            base = f"/v2/project/{project}/assets?limit=100"
            filt = '&filters={"metadata.camera":%20"front"}'
            first = median_latency_ms(port, key, f"{base}&page=1", args.runs)
            deep = median_latency_ms(port, key, f"{base}&page={args.deep_page}", args.runs)
            ffirst = median_latency_ms(port, key, f"{base}&page=1{filt}", args.runs)
            fdeep_page = max(1, min(args.deep_page, args.assets // 200))
            fdeep = median_latency_ms(port, key, f"{base}&page={fdeep_page}{filt}", args.runs)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"import: {args.assets} assets, {args.per_request}/request, {args.clients} clients")
    print(f"  raw sqlite insert (same rows, same schema): {raw_rate:,.0f} rows/s")
    print(f"  assetd import:                              {rate:,.0f} assets/s")
    print(f"  ratio import/raw = {rate / raw_rate:.2f} (target >= 0.50)")
    print("list, limit 100, median of", args.runs)
    print(f"  unfiltered page 1: {first:.2f} ms, page {args.deep_page}: {deep:.2f} ms, "
          f"ratio deep/first = {deep / first:.2f} (target < 2)")
    print(f"  metadata filter page 1: {ffirst:.2f} ms, page {fdeep_page}: {fdeep:.2f} ms, "
          f"ratio deep/first = {fdeep / ffirst:.2f}")


if __name__ == "__main__":
    sys.exit(main())
