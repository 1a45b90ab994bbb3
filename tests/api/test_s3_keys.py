"""Keys are keys, not file paths: "a", "a/" (a folder marker), "a/b" and "a/b/c" coexist, as do empty
and dot segments and 1024-byte keys, through boto3, awscli (`aws s3 sync` both ways), s3cmd and
@aws-sdk/client-s3, each against the built-in endpoint and Swift's s3api; and a data directory of
the layout of the release before (each key a path) is migrated at start."""

import hashlib
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from apilib import NODE_TESTS, client_env, run, run_node_tests, s3_client, s3cmd_command
from conftest import assetd_binary

pytestmark = pytest.mark.builtin_store

REPO = Path(__file__).resolve().parents[2]


def by_bytes(keys):
    return sorted(keys, key=lambda k: k.encode())


def fresh_prefix(name):
    return f"{name}-{uuid.uuid4().hex[:10]}/"


def list_all(client, bucket, **kwargs):
    contents, prefixes = [], []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kwargs):
        contents += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return contents, prefixes


# --- boto3 ----------------------------------------------------------------------------------------


def tricky_keys(base):
    names = ["a", "a/", "a/b", "a/b/c", "a//b", "a.b", "a0", "with space/x y", "ünïcødé/çø ✓", "plus+sign",
             "per%cent", "%2F", "q?mark", "hash#tag", "amp&eq=", "../dots/..", "./.", "x/./y", "x/../y"]
    keys = [base + n for n in names]
    keys.append(base + "k" * (1024 - len(base.encode())))  # the longest key S3 allows
    keys.append(base + "s/" * ((1024 - len(base.encode())) // 2))  # 1024 bytes (or 1023) of segments
    return keys


def test_keys_that_would_collide_as_paths_coexist(s3_target):
    s3, bucket = s3_target.client, s3_target.bucket
    base = fresh_prefix("boto3")
    keys = tricky_keys(base)
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=("body of " + key).encode(), ContentType="text/x-key")
    for key in keys:
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == ("body of " + key).encode(), key
        assert got["ContentType"] == "text/x-key"
        assert got["ETag"] == '"%s"' % hashlib.md5(("body of " + key).encode()).hexdigest()
    contents, prefixes = list_all(s3, bucket, Prefix=base)
    assert contents == by_bytes(keys) and prefixes == []
    # With a delimiter: "a" is an object, "a/" the common prefix of a/, a/b, a/b/c and a//b.
    contents, prefixes = list_all(s3, bucket, Prefix=base + "a", Delimiter="/")
    assert contents == [base + "a", base + "a.b", base + "a0", base + "amp&eq="]
    assert prefixes == [base + "a/"]
    contents, prefixes = list_all(s3, bucket, Prefix=base + "a/", Delimiter="/")
    assert contents == [base + "a/", base + "a/b"] and prefixes == [base + "a//", base + "a/b/"]
    # Paging with StartAfter and MaxKeys visits every key once, in byte order.
    seen, after = [], ""
    while True:
        page = s3.list_objects_v2(Bucket=bucket, Prefix=base, StartAfter=after or base, MaxKeys=4)
        names = [o["Key"] for o in page.get("Contents", [])]
        if not names:
            break
        seen += names
        after = names[-1]
    assert seen == by_bytes(keys)
    for key in keys:
        s3.delete_object(Bucket=bucket, Key=key)
    assert list_all(s3, bucket, Prefix=base) == ([], [])


def test_deleting_an_object_leaves_its_folder_marker_and_the_keys_below(s3_target):
    s3, bucket = s3_target.client, s3_target.bucket
    base = fresh_prefix("delete")
    for name in ("a", "a/", "a/b"):
        s3.put_object(Bucket=bucket, Key=base + name, Body=name.encode())
    s3.delete_object(Bucket=bucket, Key=base + "a")
    assert list_all(s3, bucket, Prefix=base)[0] == [base + "a/", base + "a/b"]
    assert s3.get_object(Bucket=bucket, Key=base + "a/")["Body"].read() == b"a/"
    s3.delete_object(Bucket=bucket, Key=base + "a/")
    assert s3.get_object(Bucket=bucket, Key=base + "a/b")["Body"].read() == b"a/b"
    # The reverse order: the key below first, then the marker; "a" comes back as it was.
    s3.put_object(Bucket=bucket, Key=base + "a", Body=b"again")
    s3.delete_object(Bucket=bucket, Key=base + "a/b")
    assert list_all(s3, bucket, Prefix=base)[0] == [base + "a"]
    assert s3.get_object(Bucket=bucket, Key=base + "a")["Body"].read() == b"again"
    s3.delete_object(Bucket=bucket, Key=base + "a")


def test_a_multipart_upload_completes_beside_a_folder_marker(s3_target):
    s3, bucket = s3_target.client, s3_target.bucket
    base = fresh_prefix("multipart")
    s3.put_object(Bucket=bucket, Key=base + "v/", Body=b"")
    s3.put_object(Bucket=bucket, Key=base + "v/inside", Body=b"inside")
    up = s3.create_multipart_upload(Bucket=bucket, Key=base + "v")
    part = s3.upload_part(Bucket=bucket, Key=base + "v", UploadId=up["UploadId"], PartNumber=1, Body=b"whole")
    s3.complete_multipart_upload(Bucket=bucket, Key=base + "v", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key=base + "v")["Body"].read() == b"whole"
    assert list_all(s3, bucket, Prefix=base)[0] == [base + "v", base + "v/", base + "v/inside"]
    for name in ("v", "v/", "v/inside"):
        s3.delete_object(Bucket=bucket, Key=base + name)


# --- other clients --------------------------------------------------------------------------------


def test_awscli_sync_with_folder_markers_both_ways(s3_target, tmp_path):
    s3, bucket = s3_target.client, s3_target.bucket
    base = fresh_prefix("sync")
    source = tmp_path / "source"
    for rel, body in {"top.txt": b"top", "dir/one.txt": b"one", "dir/sub/two.txt": b"two",
                      "dir/sub/deeper/three.bin": os.urandom(3000), "dir.txt": b"beside dir"}.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_bytes(body)
    # Folder markers as consoles create them, beside and above the files sync uploads.
    s3.put_object(Bucket=bucket, Key=base + "dir/", Body=b"")
    s3.put_object(Bucket=bucket, Key=base + "dir/sub/", Body=b"")
    env = client_env(s3_target.creds, tmp_path)
    aws = ["aws", "--endpoint-url", s3_target.endpoint]
    run(aws + ["s3", "sync", "--no-progress", str(source), f"s3://{bucket}/{base}"], env)
    uploaded = {str(p.relative_to(source)) for p in source.rglob("*") if p.is_file()}
    contents, _ = list_all(s3, bucket, Prefix=base)
    assert contents == by_bytes([base + rel for rel in uploaded] + [base + "dir/", base + "dir/sub/"])
    # A second sync finds nothing to do.
    assert run(aws + ["s3", "sync", "--no-progress", str(source), f"s3://{bucket}/{base}"], env).strip() == ""
    back = tmp_path / "back"
    run(aws + ["s3", "sync", "--no-progress", f"s3://{bucket}/{base}", str(back)], env)
    for rel in uploaded:
        assert (back / rel).read_bytes() == (source / rel).read_bytes(), rel
    assert (back / "dir" / "sub").is_dir()
    assert {str(p.relative_to(back)) for p in back.rglob("*") if p.is_file()} == uploaded
    for key in contents:
        s3.delete_object(Bucket=bucket, Key=key)


def test_s3cmd_nested_keys_beside_a_folder_marker(s3_target, tmp_path):
    s3, bucket = s3_target.client, s3_target.bucket
    base = fresh_prefix("s3cmd")
    env = client_env(s3_target.creds, tmp_path)
    s3cmd = s3cmd_command(s3_target.endpoint, s3_target.creds, tmp_path)
    s3.put_object(Bucket=bucket, Key=base + "folder/", Body=b"")
    files = {"folder": b"an object named like the folder", "folder/a.txt": b"a", "folder/sub/b.txt": b"b"}
    for rel, body in files.items():
        local = tmp_path / ("up-" + rel.replace("/", "_"))
        local.write_bytes(body)
        run(s3cmd + ["put", str(local), f"s3://{bucket}/{base}{rel}"], env)
    listing = run(s3cmd + ["ls", "-r", f"s3://{bucket}/{base}"], env)
    for rel in list(files) + ["folder/"]:
        assert any(line.endswith(f"s3://{bucket}/{base}{rel}") for line in listing.splitlines()), (rel, listing)
    for rel, body in files.items():
        back = tmp_path / ("back-" + rel.replace("/", "_"))
        run(s3cmd + ["get", "--force", f"s3://{bucket}/{base}{rel}", str(back)], env)
        assert back.read_bytes() == body, rel
    run(s3cmd + ["del", *[f"s3://{bucket}/{base}{rel}" for rel in files]], env)
    assert list_all(s3, bucket, Prefix=base) == ([base + "folder/"], [])
    s3.delete_object(Bucket=bucket, Key=base + "folder/")  # s3cmd del takes no URI ending in '/'
    assert list_all(s3, bucket, Prefix=base) == ([], [])


def test_aws_sdk_for_javascript(s3_target):
    creds = dict(s3_target.creds, bucket=s3_target.bucket)
    assert "# pass 1" in run_node_tests(s3_target.endpoint, creds, NODE_TESTS / "keys.test.mjs")


# --- migration from the layout of the release before ---------------------------------------------

SUFFIXES = {"~o": "object", "~d": "directory", "~c": "chunk"}


def current_layout_files(tree):
    """{key: path} of a layout-2 tree: every name ends in ~o (last segment), ~d (a segment and '/')
    or ~c (a chunk of a long segment)."""
    out = {}

    def walk(directory, prefix):
        for entry in sorted(directory.iterdir()):
            name, suffix = entry.name[:-2], entry.name[-2:]
            assert suffix in SUFFIXES, entry
            if suffix == "~o":
                out[prefix + name] = entry
            else:
                walk(entry, prefix + name + ("/" if suffix == "~d" else ""))

    walk(tree, "")
    return out


def rewrite_to_old_layout(objects):
    """Turns a store into what the release before wrote: each object at <bucket>/<key>, its sidecar
    (same format, naming the object's inode, size and mtime, which a rename keeps) at
    .meta/<bucket>/<key>, uploads in progress unchanged, no layout file."""
    for tree in (objects / "assetd", objects / ".meta" / "assetd"):
        moved = tree.with_name(tree.name + ".new")
        tree.rename(moved)
        for key, path in current_layout_files(moved).items():
            (tree / key).parent.mkdir(parents=True, exist_ok=True)
            path.rename(tree / key)
        subprocess.run(["rm", "-r", str(moved)], check=True)
    (objects / ".layout").unlink()


def test_a_data_directory_of_the_release_before_is_migrated_at_start(server_factory):
    server = server_factory.new()
    creds = server.admin_json("s3-credentials")
    s3 = s3_client(server.url, creds)
    bodies = {"assets/o/p/chat.json": b'{"a":1}', "docs/readme.txt": b"read me", "top": b"top",
              "deep/" * 40 + "leaf": b"deep"}
    for key, body in bodies.items():
        s3.put_object(Bucket="assetd", Key=key, Body=body, ContentType="text/x-" + str(len(key)),
                      Metadata={"owner": "ada"}, CacheControl="no-cache")
    big = os.urandom(5 << 20)
    up = s3.create_multipart_upload(Bucket="assetd", Key="mp/done.bin", ContentType="video/mp4")
    parts = [s3.upload_part(Bucket="assetd", Key="mp/done.bin", UploadId=up["UploadId"], PartNumber=n,
                            Body=body)["ETag"] for n, body in ((1, big), (2, b"tail"))]
    s3.complete_multipart_upload(Bucket="assetd", Key="mp/done.bin", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": n + 1, "ETag": e}
                                                            for n, e in enumerate(parts)]})
    bodies["mp/done.bin"] = big + b"tail"
    pending = s3.create_multipart_upload(Bucket="assetd", Key="mp/pending.bin", ContentType="image/png")
    first = s3.upload_part(Bucket="assetd", Key="mp/pending.bin", UploadId=pending["UploadId"], PartNumber=1,
                           Body=b"pending part")["ETag"]
    before = {key: s3.head_object(Bucket="assetd", Key=key) for key in bodies}
    assert server.stop() == 0

    objects = server.data_dir / "objects"
    rewrite_to_old_layout(objects)
    # What the release before writes (checked against its binary): plain paths, sidecars beside.
    assert (objects / "assetd" / "assets" / "o" / "p" / "chat.json").is_file()
    assert (objects / ".meta" / "assetd" / "docs" / "readme.txt").read_text().startswith("assetd-object-meta 1\n")
    assert not (objects / ".layout").exists()

    server.start()
    s3 = s3_client(server.url, creds)  # a new port
    assert f"{len(bodies)} object(s) migrated" in server.logs()
    assert (objects / ".layout").read_text() == "2\n" and not (objects / ".migrating").exists()
    assert set(current_layout_files(objects / "assetd")) == set(bodies)
    for key, body in bodies.items():
        got = s3.get_object(Bucket="assetd", Key=key)
        assert got["Body"].read() == body, key
        for field in ("ETag", "ContentType", "Metadata", "CacheControl", "LastModified", "ContentLength"):
            assert got.get(field) == before[key].get(field), (key, field)
    assert before["mp/done.bin"]["ETag"].endswith('-2"')
    assert list_all(s3, "assetd")[0] == by_bytes(bodies)
    assert list_all(s3, "assetd", Delimiter="/")[1] == ["assets/", "deep/", "docs/", "mp/"]
    # The upload in progress completes, and keys the old layout refused now fit.
    s3.complete_multipart_upload(Bucket="assetd", Key="mp/pending.bin", UploadId=pending["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": first}]})
    got = s3.get_object(Bucket="assetd", Key="mp/pending.bin")
    assert got["Body"].read() == b"pending part" and got["ContentType"] == "image/png"
    s3.put_object(Bucket="assetd", Key="top/", Body=b"marker")
    assert s3.get_object(Bucket="assetd", Key="top")["Body"].read() == b"top"

    # A second start migrates nothing.
    assert server.stop() == 0
    layout = (objects / ".layout").stat()
    server.start()
    s3 = s3_client(server.url, creds)
    assert "migrated" not in server.logs()
    assert (objects / ".layout").stat().st_ino == layout.st_ino
    assert s3.get_object(Bucket="assetd", Key="top/")["Body"].read() == b"marker"
    assert list_all(s3, "assetd")[0] == by_bytes(list(bodies) + ["mp/pending.bin", "top/"])


# --- backups --------------------------------------------------------------------------------------


def admin(*args):
    return subprocess.run([str(assetd_binary()), "admin", *args], capture_output=True, text=True, timeout=300)


def test_backups_hold_any_key_and_a_backup_of_the_release_before_restores(server_factory, tmp_path):
    server = server_factory.new()
    s3 = s3_client(server.url, server.admin_json("s3-credentials"))
    deep = "bk/" + "/".join(["l" * 200] * 4)  # a path as format 1 held it
    keys = ["bk/a", "bk/a/", "bk/a/b", "bk/a//b", "bk/./..", "bk/" + "l" * 600, deep]
    for key in keys:
        s3.put_object(Bucket="assetd", Key=key, Body=("body of " + key).encode(), Metadata={"k": key[-3:]})
    dest = tmp_path / "backup"
    done = admin("backup", "--data-dir", str(server.data_dir), "--to", str(dest), "--objects-only")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["format"] == "assetd-backup 2"
    restored = tmp_path / "restored"
    done = admin("restore", "--from", str(dest), "--data-dir", str(restored))
    assert done.returncode == 0, done.stderr

    # The format of the release before: each object at objects/<bucket>/<key>, which held only
    # keys that are paths.
    old = tmp_path / "old-backup"
    subprocess.run(["cp", "-a", str(dest), str(old)], check=True)
    (old / "objects" / "assetd").rename(old / "objects" / "current")
    paths = current_layout_files(old / "objects" / "current")
    kept = [o for o in manifest["objects"] if o["key"] in ("bk/a/b", deep)]
    for entry in kept:
        target = old / "objects" / "assetd" / entry["key"]
        target.parent.mkdir(parents=True, exist_ok=True)
        paths[entry["key"]].rename(target)
    subprocess.run(["rm", "-r", str(old / "objects" / "current")], check=True)
    (old / "manifest.json").write_text(json.dumps(dict(manifest, format="assetd-backup 1", objects=kept)))
    restored_old = tmp_path / "restored-old"
    done = admin("restore", "--from", str(old), "--data-dir", str(restored_old))
    assert done.returncode == 0, done.stderr
    # A format-1 manifest naming a key that is no path is refused, not followed.
    hostile = tmp_path / "hostile"
    subprocess.run(["cp", "-a", str(old), str(hostile)], check=True)
    (hostile / "manifest.json").write_text(json.dumps(dict(manifest, format="assetd-backup 1",
                                                            objects=[dict(kept[0], key="bk/../../x")])))
    done = admin("restore", "--from", str(hostile), "--data-dir", str(tmp_path / "never"))
    assert done.returncode != 0 and "unsafe" in done.stderr

    for data_dir, expected in ((restored, keys), (restored_old, ["bk/a/b", deep])):
        other = server_factory.new(start=False)
        other.data_dir = data_dir
        other.start()
        s3b = s3_client(other.url, other.admin_json("s3-credentials"))
        assert list_all(s3b, "assetd", Prefix="bk/")[0] == by_bytes(expected)
        for key in expected:
            got = s3b.get_object(Bucket="assetd", Key=key)
            assert got["Body"].read() == ("body of " + key).encode() and got["Metadata"] == {"k": key[-3:]}
        assert other.stop() == 0
