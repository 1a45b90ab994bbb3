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
import os
import re
import shutil
import subprocess
import sys
import tempfile

from benchlib import ROOT, list_latencies, port_of, run_import, start_server, stop_server


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
            port = port_of(ready)
            key, project = ready["apiKey"], ready["projectId"]
            rate = run_import(port, key, project, args.assets, args.per_request, args.clients)
            lat = list_latencies(port, key, project, args.assets, args.deep_page, args.runs)
        finally:
            stop_server(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"import: {args.assets} assets, {args.per_request}/request, {args.clients} clients")
    print(f"  raw sqlite insert (same rows, same schema): {raw_rate:,.0f} rows/s")
    print(f"  assetd import:                              {rate:,.0f} assets/s")
    print(f"  ratio import/raw = {rate / raw_rate:.2f} (target >= 0.50)")
    print("list, limit 100, median of", args.runs)
    print(f"  unfiltered page 1: {lat['first']:.2f} ms, "
          f"page {args.deep_page}: {lat['deep']:.2f} ms, "
          f"ratio deep/first = {lat['deep'] / lat['first']:.2f} (target < 2)")
    print(f"  metadata filter page 1: {lat['filtered_first']:.2f} ms, "
          f"page {lat['filtered_deep_page']}: {lat['filtered_deep']:.2f} ms, "
          f"ratio deep/first = {lat['filtered_deep'] / lat['filtered_first']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
