// The built-in S3 endpoint as @aws-sdk/client-s3 uses it with its default settings (CRC32
// checksums; aws-chunked bodies with a trailing checksum for streams) and presigned URLs made by
// @aws-sdk/s3-request-presigner. The endpoint and keys come from the environment; see README.md.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

import { bucket, s3 } from "./client.mjs";

// Bytes that differ from position to position, so that a misplaced chunk shows.
function pattern(size) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

test("PutObject with a buffer, then GetObject, HeadObject and DeleteObject", async () => {
  const body = pattern(100000);
  const put = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: "node/buffer.bin", Body: body, ContentType: "application/x-test" }),
  );
  assert.match(put.ETag, /^"[0-9a-f]{32}"$/);

  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "node/buffer.bin" }));
  assert.equal(got.ContentType, "application/x-test");
  assert.equal(got.ETag, put.ETag);
  assert.deepEqual(Buffer.from(await got.Body.transformToByteArray()), body);

  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "node/buffer.bin" }));
  assert.equal(head.ContentLength, body.length);

  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "node/buffer.bin" }));
  await assert.rejects(
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "node/buffer.bin" })),
    (error) => error.$metadata.httpStatusCode === 404,
  );
});

test("PutObject with a stream goes aws-chunked with a trailing checksum", async () => {
  const first = pattern(70000);
  const second = pattern(50000);
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: "node/stream.bin",
      Body: Readable.from([first, second]),
      ContentLength: first.length + second.length,
    }),
  );
  assert.match(put.ETag, /^"[0-9a-f]{32}"$/);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "node/stream.bin" }));
  assert.deepEqual(Buffer.from(await got.Body.transformToByteArray()), Buffer.concat([first, second]));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "node/stream.bin" }));
});

test("GetObject with a range", async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "node/range.txt", Body: "0123456789" }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "node/range.txt", Range: "bytes=3-5" }));
  assert.equal(got.ContentRange, "bytes 3-5/10");
  assert.equal(await got.Body.transformToString(), "345");
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "node/range.txt" }));
});

test("presigned PUT and GET from @aws-sdk/s3-request-presigner", async () => {
  const key = "node/presigned file.txt";
  const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
  const put = await fetch(putUrl, { method: "PUT", body: "sent with fetch" });
  assert.equal(put.status, 200, await put.text());
  assert.equal(put.headers.get("access-control-allow-origin"), "*");

  const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
  const got = await fetch(getUrl);
  assert.equal(got.status, 200);
  assert.equal(await got.text(), "sent with fetch");

  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "node/" }));
  assert.ok(listed.Contents.some((object) => object.Key === key));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
});

test("a tampered presigned URL is refused with S3's XML error", async () => {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "node/any" }), { expiresIn: 300 });
  const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`);
  const response = await fetch(tampered);
  assert.equal(response.status, 403);
  assert.match(await response.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
});
