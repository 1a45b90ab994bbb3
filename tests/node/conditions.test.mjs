// The built-in S3 endpoint's conditional requests, kept headers, listing details and honest
// refusals as @aws-sdk/client-s3 sends and reads them with its default settings. The endpoint and
// keys come from the environment; see README.md.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";

import { bucket, s3 } from "./client.mjs";

const status = (code) => (error) => error.$metadata?.httpStatusCode === code;
const named = (name, code) => (error) => error.name === name && status(code)(error);
const unique = (prefix) => `node-conditions/${prefix}-${Date.now()}-${Math.random().toString(16).slice(2)}`;

test("conditional reads: If-None-Match and If-Modified-Since answer 304, If-Unmodified-Since 412", async () => {
  const Key = unique("read");
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "conditional" }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
  const later = new Date(head.LastModified.getTime() + 60_000);
  const earlier = new Date(head.LastModified.getTime() - 60_000);

  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key, IfNoneMatch: put.ETag })), status(304));
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key, IfModifiedSince: later })), status(304));
  await assert.rejects(
    s3.send(new GetObjectCommand({ Bucket: bucket, Key, IfUnmodifiedSince: earlier })),
    named("PreconditionFailed", 412),
  );
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key, IfMatch: '"0000"' })), status(412));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, IfMatch: put.ETag, IfModifiedSince: earlier }));
  assert.equal(await got.Body.transformToString(), "conditional");
});

test("conditional writes: If-None-Match: * creates only, If-Match replaces only that version", async () => {
  const Key = unique("write");
  const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "one", IfNoneMatch: "*" }));
  await assert.rejects(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "two", IfNoneMatch: "*" })),
    named("PreconditionFailed", 412),
  );
  await assert.rejects(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "two", IfMatch: '"00000000000000000000000000000000"' })),
    named("PreconditionFailed", 412),
  );
  const second = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "two", IfMatch: first.ETag }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
  assert.equal(await got.Body.transformToString(), "two");

  await assert.rejects(
    s3.send(new CopyObjectCommand({ Bucket: bucket, Key: `${Key}.copy`, CopySource: `${bucket}/${Key}`, CopySourceIfMatch: first.ETag })),
    status(412),
  );
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: `${Key}.copy`, CopySource: `${bucket}/${Key}`, CopySourceIfMatch: second.ETag }));

  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, IfMatch: first.ETag })), status(412));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, IfMatch: second.ETag }));
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key })), status(404));
});

test("kept headers come back as sent: Content-Language, Expires, Content-Encoding, metadata", async () => {
  const Key = unique("headers");
  const expires = new Date("2037-10-21T07:28:00Z");
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key,
      Body: "headers",
      ContentLanguage: "de-CH",
      Expires: expires,
      ContentEncoding: "identity",
      Metadata: { camera: "rear left" },
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
  assert.equal(head.ContentLanguage, "de-CH");
  assert.equal(head.Expires.getTime(), expires.getTime());
  assert.equal(head.ContentEncoding, "identity");
  assert.deepEqual(head.Metadata, { camera: "rear left" });
});

test("listing details: MaxKeys 0 is an empty, untruncated page; owners as asked", async () => {
  const Prefix = unique("list") + "/";
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${Prefix}a`, Body: "a" }));
  const none = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, MaxKeys: 0 }));
  assert.equal(none.KeyCount, 0);
  assert.equal(none.IsTruncated, false);
  assert.equal(none.Contents, undefined);

  const plain = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix }));
  assert.equal(plain.Contents[0].Owner, undefined);
  const owned = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, FetchOwner: true }));
  assert.ok(owned.Contents[0].Owner?.ID);
  const v1 = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix }));
  assert.equal(v1.Contents[0].Owner?.ID, owned.Contents[0].Owner.ID);
});

test("honest refusals: what the store would not honour is 501 and stores nothing; CORS is told", async () => {
  const Key = unique("refused");
  for (const extra of [{ ServerSideEncryption: "aws:kms" }, { ServerSideEncryption: "AES256" }, { Tagging: "a=b" }]) {
    await assert.rejects(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x", ...extra })),
      named("NotImplemented", 501),
    );
  }
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key })), status(404));
  await assert.rejects(
    s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })),
    named("NotImplemented", 501),
  );
  const cors = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
  assert.deepEqual(cors.CORSRules[0].AllowedOrigins, ["*"]);
  assert.ok(cors.CORSRules[0].AllowedMethods.includes("PUT"));
});
