// Keys that are not file paths, as @aws-sdk/client-s3 sends them: an object "a" beside "a/"
// (a folder marker), "a/b" and "a/b/c", empty and dot segments, characters URLs escape. The
// endpoint and keys come from the environment; see README.md.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";

import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";

import { bucket, s3 } from "./client.mjs";

function byBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

test("an object, its folder marker and the keys below it coexist", async () => {
  const base = `node-keys-${randomBytes(6).toString("hex")}/`;
  const names = ["a", "a/", "a/b", "a/b/c", "a//b", "./..", "sp ace+plus%25?#", "ünïcødé/✓"];
  const keys = names.map((name) => base + name);
  for (const key of keys)
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));
  for (const key of keys) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(await got.Body.transformToString(), `body of ${key}`);
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base }));
  assert.deepEqual(
    listed.Contents.map((o) => o.Key),
    [...keys].sort(byBytes),
  );
  const rolled = await s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: base + "a", Delimiter: "/" }),
  );
  assert.deepEqual(
    rolled.Contents.map((o) => o.Key),
    [base + "a"],
  );
  assert.deepEqual(
    rolled.CommonPrefixes.map((p) => p.Prefix),
    [base + "a/"],
  );
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: base + "a" }));
  const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base + "a" }));
  assert.deepEqual(
    left.Contents.map((o) => o.Key),
    [base + "a/", base + "a//b", base + "a/b", base + "a/b/c"],
  );
  for (const key of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
});
