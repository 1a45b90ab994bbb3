-- Storage integrations: a customer's bucket on AWS/S3-compatible, GCS or Azure Blob, and the
-- credentials to sign URLs for it. The credentials are sealed (AES-256-GCM under the server's
-- master key, bound to the storage id) before they reach the store; they are erased when the
-- storage is deleted. bucket, region and endpoint are '' when absent.

CREATE TABLE storages (
  id text COLLATE "C" PRIMARY KEY,
  organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
  name text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('AWS', 'GCP', 'AZURE')),
  bucket text NOT NULL,
  region text NOT NULL,
  endpoint text NOT NULL,
  sealed_credentials text NOT NULL,
  created_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX storages_live_by_org ON storages (organization_id, created_at, id) WHERE NOT deleted;
