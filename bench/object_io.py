"""The object part of bench/objects.py: PUT and GET of one large object through a presigned URL
of the built-in store, beside dd moving the same bytes on the same disk.

Each round runs, in this order, with the source file in the page cache wherever it is read:
- dd if=SOURCE of=FILE bs=1M conv=fsync (write through the page cache, one fsync at the end),
  the baseline of the target; then the same with oflag=direct (past the page cache, as the
  server writes whole buffers), for reference;
- dd if=FILE of=/dev/null bs=1M after dropping the page cache (a cold read);
- the same file sent over a loopback TCP socket with sendfile() and received into a 1 MiB
  buffer, no HTTP, after dropping the page cache: the ceiling of a cold GET on this machine;
- openssl dgst -md5 SOURCE: the speed of MD5 on one core, the PUT's ceiling (the ETag is the
  body's MD5, computed while it arrives);
- PUT of SOURCE with curl (`curl -T`), then with bench/object_client (read() of 1 MiB, send());
- GET with curl (`-o /dev/null`) and with object_client (recv() into 1 MiB, write to /dev/null),
  each after dropping the page cache.
Figures are medians over the rounds; ratios are ratios of medians.
"""
import json
import os
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
import urllib.request


def drop_caches():
    subprocess.run(["sh", "-c", "sync; echo 1 > /proc/sys/vm/drop_caches"], check=False)


def warm(path):
    subprocess.run(["cat", path], check=True, stdout=subprocess.DEVNULL)


def timed(cmd):
    begin = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - begin


def client(binary, verb, url, path):
    out = subprocess.run([binary, verb, url, path], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)["seconds"]


def raw_loopback_seconds(path):
    """Seconds to move the file over loopback TCP: sendfile() on one side, recv() on the other."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def send():
        connection, _ = listener.accept()
        with connection, open(path, "rb") as file:
            connection.sendfile(file)

    sender = threading.Thread(target=send)
    sender.start()
    buffer = memoryview(bytearray(1 << 20))
    with socket.create_connection(("127.0.0.1", port)) as receiver:
        begin = time.perf_counter()
        while receiver.recv_into(buffer):
            pass
        seconds = time.perf_counter() - begin
    sender.join()
    listener.close()
    return seconds


def api_get(base, key, path):
    request = urllib.request.Request(base + path, headers={"apikey": key})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def presigned_pair(ready, name):
    base, key, project = ready["url"], ready["apiKey"], ready["projectId"]
    upload = api_get(base, key, f"/v2/getUploadUrl?name={name}&project={project}")["uploadUrl"]
    stored = urllib.parse.quote(upload.split("?")[0], safe="")
    signed = api_get(base, key, f"/v2/getSignedUrl?url={stored}")["signedUrl"]
    return upload, signed


def measure(build, ready, pid, source, work, rounds):
    """Seconds of each step per round, and the server's peak memory growth in MiB."""
    client_bin = os.path.join(build, "object_client")
    ddfile = os.path.join(work, "dd.bin")
    runs = {name: [] for name in ("dd_write", "dd_direct", "dd_read", "raw_send", "md5", "put_curl",
                                  "put_client", "get_curl", "get_client")}
    rss_before = peak_rss_kib(pid)
    for round_ in range(rounds):
        warm(source)
        runs["dd_write"].append(timed(["dd", f"if={source}", f"of={ddfile}", "bs=1M",
                                       "conv=fsync"]))
        runs["dd_direct"].append(timed(["dd", f"if={source}", f"of={ddfile}", "bs=1M",
                                        "oflag=direct", "conv=fsync"]))
        drop_caches()
        runs["dd_read"].append(timed(["dd", f"if={ddfile}", "of=/dev/null", "bs=1M"]))
        drop_caches()
        runs["raw_send"].append(raw_loopback_seconds(ddfile))
        os.remove(ddfile)
        warm(source)
        runs["md5"].append(timed(["openssl", "dgst", "-md5", source]))
        curl_put, curl_get = presigned_pair(ready, f"curl-{round_}.bin")
        client_put, client_get = presigned_pair(ready, f"client-{round_}.bin")
        runs["put_curl"].append(timed(["curl", "-sf", "-o", "/dev/null", "-T", source, curl_put]))
        runs["put_client"].append(client(client_bin, "put", client_put, source))
        drop_caches()
        runs["get_curl"].append(timed(["curl", "-sf", "-o", "/dev/null", curl_get]))
        drop_caches()
        runs["get_client"].append(client(client_bin, "get", client_get, "/dev/null"))
    return runs, (peak_rss_kib(pid) - rss_before) / 1024


def report(runs, rss_growth, size):
    mib = size / (1 << 20)
    rate = {name: mib / statistics.median(seconds) for name, seconds in runs.items()}

    def line(label, name, versus=None):
        each = ", ".join(f"{mib / s:,.0f}" for s in runs[name])
        text = f"  {label:<34} {rate[name]:>7,.0f} MiB/s  [{each}]"
        if versus:
            text += f"  ratio {rate[name] / rate[versus]:.2f} (target >= 0.70)"
        print(text)

    print(f"object of {mib:.0f} MiB through the built-in store, median of {len(runs['md5'])} "
          f"rounds [each round]:")
    line("dd write + fsync (bs=1M)", "dd_write")
    line("dd write, direct I/O + fsync", "dd_direct")
    line("PUT, curl -T", "put_curl", "dd_write")
    line("PUT, object_client (1 MiB buffers)", "put_client", "dd_write")
    line("MD5 of the same bytes, one core", "md5")
    print(f"  PUT / MD5 (the ETag's ceiling): curl {rate['put_curl'] / rate['md5']:.2f}, "
          f"object_client {rate['put_client'] / rate['md5']:.2f}")
    line("dd read, cold cache (bs=1M)", "dd_read")
    line("GET, curl -o /dev/null, cold", "get_curl", "dd_read")
    line("GET, object_client, cold", "get_client", "dd_read")
    line("sendfile -> recv, loopback, cold", "raw_send")
    print(f"  GET / raw loopback transfer (HTTP's cost): curl "
          f"{rate['get_curl'] / rate['raw_send']:.2f}, object_client "
          f"{rate['get_client'] / rate['raw_send']:.2f}")
    print(f"  server peak memory growth {rss_growth:.1f} MiB (target < 32)")
