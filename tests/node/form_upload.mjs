// A browser form upload as @aws-sdk/s3-presigned-post makes it (createPresignedPost: a SigV4
// POST policy with millisecond expiration and its own field order), posted with fetch and
// FormData as a browser would. Run by tests/api/test_s3_post_policy.py (its name keeps it out
// of `node --test tests/node/`); the endpoint and keys come from the environment (README.md).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";

import { bucket, s3 } from "./client.mjs";

async function postForm(url, fields, body, name) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append("file", new Blob([body], { type: "text/plain" }), name);
  return fetch(url, { method: "POST", body: form, redirect: "manual" });
}

test("createPresignedPost form upload", async () => {
  const prefix = `node-post/${Date.now()}/`;
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: bucket,
    Key: prefix + "${filename}",
    Conditions: [
      ["starts-with", "$key", prefix],
      ["content-length-range", 1, 1024],
      ["starts-with", "$Content-Type", "text/"],
    ],
    Fields: { "Content-Type": "text/plain", success_action_status: "201" },
    Expires: 600,
  });
  const body = "hello from a form";
  const resp = await postForm(url, fields, body, "note.txt");
  const text = await resp.text();
  assert.equal(resp.status, 201, text);
  const md5 = createHash("md5").update(body).digest("hex");
  assert.match(text, new RegExp(`<Key>${prefix}note.txt</Key>`));
  assert.equal(resp.headers.get("etag"), `"${md5}"`);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + "note.txt" }));
  assert.equal(await got.Body.transformToString(), body);
  assert.equal(got.ContentType, "text/plain");

  const tooBig = await postForm(url, fields, "x".repeat(2000), "big.txt");
  assert.equal(tooBig.status, 400);
  assert.match(await tooBig.text(), /<Code>EntityTooLarge<\/Code>/);
});
