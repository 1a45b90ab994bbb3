// The client under test, as the environment names it (see README.md): `bucket`, and `s3`, an
// S3Client with path-style addressing and otherwise default settings.
import assert from "node:assert/strict";

import { S3Client } from "@aws-sdk/client-s3";

export function setting(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must name the endpoint under test (see tests/node/README.md)`);
  return value;
}

export const bucket = setting("ASSETD_S3_BUCKET");
export const s3 = new S3Client({
  endpoint: setting("ASSETD_S3_ENDPOINT"),
  region: process.env.ASSETD_S3_REGION || "us-east-1",
  forcePathStyle: true,
  credentials: {
    accessKeyId: setting("ASSETD_S3_ACCESS_KEY"),
    secretAccessKey: setting("ASSETD_S3_SECRET_KEY"),
  },
});
