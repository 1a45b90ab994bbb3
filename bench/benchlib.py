"""What the asset benchmarks share: starting `assetd serve`, the import bodies, a concurrent
importer spread over one or more nodes, and median list latencies."""
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_PREFIX = "assetd ready "


def start_server(binary, data_dir, extra_args=(), env=None):
    """Starts `assetd serve` on a free port; returns the process and its ready line's JSON
    (url always; organizationId, projectId and apiKey on a database's first start)."""
    proc = subprocess.Popen(
        [binary, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0", *extra_args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=None if env is None else {**os.environ, **env})
    for line in proc.stdout:
        if line.startswith(READY_PREFIX):
            return proc, json.loads(line[len(READY_PREFIX):])
    raise RuntimeError("server did not start")


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk_rate(url, key, seconds, connections=32):
    """Requests per second wrk reaches on `url` (2 threads, `connections` kept-alive connections,
    an apikey header); raises if any answer was not 2xx or 3xx, so that refusals never count."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"apikey: {key}", url],
        check=True, capture_output=True, text=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"wrk saw error answers from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))


def port_of(ready):
    return int(ready["url"].rstrip("/").rsplit(":", 1)[1])


def asset_body(start, count):
    """Assets start..start+count: data, externalId and a small metadata object in which
    `camera` is "front" for half of them."""
    assets = [{
        "data": f"https://bucket.example.com/images/{i:08d}.jpg",
        "externalId": f"{i:08d}.jpg",
        "metadata": {"camera": "front" if i % 2 else "rear", "index": i},
    } for i in range(start, start + count)]
    return json.dumps({"assets": assets}).encode()


def run_import(ports, key, project, total, per_request, clients):
    """Imports `total` assets, `per_request` a request, with `clients` concurrent clients;
    client i talks to ports[i % len(ports)]. Bodies are made before the clock starts.
    Returns assets per second."""
    if isinstance(ports, int):
        ports = [ports]
    bodies = [asset_body(s, min(per_request, total - s)) for s in range(0, total, per_request)]
    lock = threading.Lock()
    next_index = [0]
    errors = []

    def worker(port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        headers = {"apikey": key, "Content-Type": "application/json"}
        while not errors:
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

    threads = [threading.Thread(target=worker, args=(ports[i % len(ports)],))
               for i in range(clients)]
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


METADATA_FILTER = '&filters={"metadata.camera":%20"front"}'


def list_latencies(port, key, project, assets, deep_page, runs):
    """Median latencies (ms) of page 1 and page `deep_page` (limit 100), without and with a
    metadata filter matching half the assets. The filtered deep page is clamped to the last
    page of the matches."""
    base = f"/v2/project/{project}/assets?limit=100"
    filtered_deep = max(1, min(deep_page, assets // 200))
    return {
        "deep_page": deep_page,
        "filtered_deep_page": filtered_deep,
        "first": median_latency_ms(port, key, f"{base}&page=1", runs),
        "deep": median_latency_ms(port, key, f"{base}&page={deep_page}", runs),
        "filtered_first": median_latency_ms(port, key, f"{base}&page=1{METADATA_FILTER}", runs),
        "filtered_deep": median_latency_ms(
            port, key, f"{base}&page={filtered_deep}{METADATA_FILTER}", runs),
    }
