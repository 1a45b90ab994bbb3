-- Initial schema. Ids are 24-hex ObjectIds, times INTEGER milliseconds since the Unix epoch
-- (UTC), client-owned JSON compact text; NULL means "absent". Projects, assets and tasks are
-- soft-deleted (deleted = 1) and never removed, which keeps each project's seq dense.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the key, hex; the key itself is never stored
  revoked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  type TEXT NOT NULL,
  category_schema TEXT NOT NULL,
  pct_config TEXT,
  asset_count INTEGER NOT NULL DEFAULT 0,  -- live assets: list totals without COUNT(*)
  next_seq INTEGER NOT NULL DEFAULT 1,     -- seq of the project's next asset
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX projects_live_by_org ON projects (organization_id, created_at) WHERE deleted = 0;

CREATE TABLE batches (
  pos INTEGER PRIMARY KEY,  -- creation order, stable across VACUUM
  id TEXT NOT NULL UNIQUE,
  project_id TEXT NOT NULL REFERENCES projects (id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX batches_by_project_name ON batches (project_id, name);

-- seq numbers a project's assets 1, 2, 3, ... in creation order (the order of created_at and
-- id), so a page of an unfiltered list starts at a seq found by arithmetic, not by walking
-- the skipped rows.
CREATE TABLE assets (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects (id),
  seq INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  data TEXT NOT NULL,
  dataset TEXT,
  overlay TEXT,
  metadata TEXT NOT NULL,
  context_data TEXT,
  pre_label TEXT,
  editor_type TEXT NOT NULL,
  storage_id TEXT,
  upload_local INTEGER NOT NULL,
  priority REAL NOT NULL,
  is_pre_labeled INTEGER NOT NULL,
  label_task_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX assets_live_seq ON assets (project_id, seq) WHERE deleted = 0;
CREATE UNIQUE INDEX assets_deleted_seq ON assets (project_id, seq) WHERE deleted = 1;
-- seq last: a page of the assets with one externalId comes out of the index already ordered.
CREATE INDEX assets_live_external_id ON assets (project_id, external_id, seq) WHERE deleted = 0;

CREATE TABLE asset_batches (
  asset_id TEXT NOT NULL REFERENCES assets (id),
  batch_id TEXT NOT NULL REFERENCES batches (id),
  PRIMARY KEY (asset_id, batch_id)
) WITHOUT ROWID;
CREATE INDEX asset_batches_by_batch ON asset_batches (batch_id, asset_id);

-- One label task per asset, numbered with its asset's seq.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects (id),
  asset_id TEXT NOT NULL REFERENCES assets (id),
  seq INTEGER NOT NULL,
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  priority REAL NOT NULL,
  answer TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX tasks_live_seq ON tasks (project_id, seq) WHERE deleted = 0;
CREATE UNIQUE INDEX tasks_deleted_seq ON tasks (project_id, seq) WHERE deleted = 1;
