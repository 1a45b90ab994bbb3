-- Storage integrations: a customer's bucket on AWS/S3-compatible, GCS or Azure Blob, and the
-- credentials to sign URLs for it. The credentials are sealed (AES-256-GCM under the server's
-- master key, bound to the storage id) before they reach the store; they are erased when the
-- storage is deleted. bucket, region and endpoint are '' when absent.

CREATE TABLE storages (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL,
  provider TEXT NOT NULL CHECK (provider IN ('AWS', 'GCP', 'AZURE')),
  bucket TEXT NOT NULL,
  region TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  sealed_credentials TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX storages_live_by_org ON storages (organization_id, created_at) WHERE deleted = 0;
