#!/usr/bin/python3
"""What the operations features cost: the same build with metrics, request ids and rate limits
on, beside it with them off.

"on" is the default serve configuration (per-route metrics, X-Request-Id on every answer, the
per-key token bucket consulted on every authenticated request and the per-address one on every
failed authentication), with the per-key limit raised so that the benchmark's own traffic is
never refused: the bucket is still taken on each request. "off" is `--metrics off
--request-ids off --rate-limit 0 --auth-fail-rate 0`.

Prints, for each round and as medians of the rounds, side by side:
- requests per second of GET /v2/health (wrk, loopback), on/off (target >= 0.95);
- requests per second of an authenticated read, GET /v2/project/{id} (wrk), on/off;
- the import rate (assets per second, 1,000 a request, 4 clients), on/off (target >= 0.95).
On and off alternate within each round, so a change of the machine's load skews one round,
not the figure.

Usage: bench/ops_overhead.py [--build build] [--rounds 3] [--seconds 5] [--assets 50000]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

from benchlib import ROOT, port_of, run_import, start_server, stop_server, wrk_rate

ON = ["--rate-limit", "1000000000", "--rate-burst", "1000000000"]
OFF = ["--metrics", "off", "--request-ids", "off", "--rate-limit", "0", "--auth-fail-rate", "0"]


def measure(binary, work, name, flags, args):
    """One server with `flags` on a fresh data directory: health and read rates, import rate."""
    proc, ready = start_server(binary, os.path.join(work, name), flags)
    try:
        base = ready["url"].rstrip("/")
        key, project = ready["apiKey"], ready["projectId"]
        wrk_rate(f"{base}/v2/health", key, 1)  # warm-up: connections, caches, the worker pool
        health = wrk_rate(f"{base}/v2/health", key, args.seconds)
        read = wrk_rate(f"{base}/v2/project/{project}", key, args.seconds)
        imported = run_import(port_of(ready), key, project, args.assets, 1000, 4)
    finally:
        stop_server(proc)
        shutil.rmtree(os.path.join(work, name), ignore_errors=True)
    return {"health": health, "read": read, "import": imported}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--assets", type=int, default=50_000, help="assets imported per run")
    args = parser.parse_args()
    binary = os.path.join(args.build, "assetd")

    work = tempfile.mkdtemp(prefix="assetd-bench-ops-", dir=os.environ.get("BENCH_DIR"))
    ratios = {"health": [], "read": [], "import": []}
    try:
        for round_no in range(1, args.rounds + 1):
            # Alternate which side goes first, so neither always gets the warmer machine.
            order = [("on", ON), ("off", OFF)]
            if round_no % 2 == 0:
                order.reverse()
            got = {name: measure(binary, work, name, flags, args) for name, flags in order}
            on, off = got["on"], got["off"]
            print(f"round {round_no}:")
            for what, unit in (("health", "req/s"), ("read", "req/s"), ("import", "assets/s")):
                ratios[what].append(on[what] / off[what])
                print(f"  {what:7s} on {on[what]:>10,.0f} {unit:8s} off {off[what]:>10,.0f} "
                      f"{unit:8s} ratio {on[what] / off[what]:.3f}")
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"median of {args.rounds} rounds, on/off:")
    print(f"  GET /v2/health requests/s  ratio = {statistics.median(ratios['health']):.3f}"
          " (target >= 0.95)")
    print(f"  GET /v2/project/{{id}} req/s ratio = {statistics.median(ratios['read']):.3f}")
    print(f"  import assets/s            ratio = {statistics.median(ratios['import']):.3f}"
          " (target >= 0.95)")


if __name__ == "__main__":
    sys.exit(main())
