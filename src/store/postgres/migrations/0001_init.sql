-- Initial schema, the same records as the SQLite store's. Ids are 24-hex ObjectIds made by the
-- nodes, times bigint milliseconds since the Unix epoch (UTC), client-owned JSON compact text
-- kept exactly as the client sent it; NULL means "absent". Text is stored in the form of
-- src/store/postgres/text_codec.hpp. Projects, assets and tasks are soft-deleted and never
-- removed, which keeps each project's seq dense. Columns that filters compare use the "C"
-- collation: byte order, whatever the database's locale, so that prefix filters use the index.

CREATE TABLE organizations (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE api_keys (
  id text COLLATE "C" PRIMARY KEY,
  organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
  name text NOT NULL,
  key_hash text COLLATE "C" NOT NULL UNIQUE,  -- SHA-256 of the key, hex; never the key itself
  revoked boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL
);

-- The project row is also the lock that orders its writers: imports, batch creation and
-- deletes take it first (UPDATE ... RETURNING), so seqs and counters stay dense and exact
-- when many nodes write to one project.
CREATE TABLE projects (
  id text COLLATE "C" PRIMARY KEY,
  organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
  name text NOT NULL,
  description text NOT NULL,
  type text NOT NULL,
  category_schema text NOT NULL,
  pct_config text,
  asset_count bigint NOT NULL DEFAULT 0,  -- live assets: list totals without COUNT(*)
  next_seq bigint NOT NULL DEFAULT 1,     -- seq of the project's next asset
  last_asset_at bigint NOT NULL DEFAULT 0,  -- creation time of the newest asset
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX projects_live_by_org ON projects (organization_id, created_at DESC, id DESC)
  WHERE NOT deleted;

-- pos: creation order. Names are unique in a project, so that nodes creating the same new
-- batch at once end up with one (INSERT ... ON CONFLICT DO NOTHING, then read it).
CREATE TABLE batches (
  pos bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  project_id text COLLATE "C" NOT NULL REFERENCES projects (id),
  name text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (project_id, name)
);

-- seq numbers a project's assets 1, 2, 3, ... in creation order, so a page of an unfiltered
-- list starts at a seq found by arithmetic, not by walking the skipped rows. `metadata` is the
-- client's text, returned as sent; `metadata_doc` the same document as jsonb, for filters.
CREATE TABLE assets (
  id text COLLATE "C" PRIMARY KEY,
  project_id text COLLATE "C" NOT NULL REFERENCES projects (id),
  seq bigint NOT NULL,
  external_id text COLLATE "C" NOT NULL,
  data text NOT NULL,
  dataset text,
  overlay text,
  metadata text NOT NULL,
  metadata_doc jsonb NOT NULL,
  context_data text,
  pre_label text,
  editor_type text COLLATE "C" NOT NULL,
  storage_id text,
  upload_local boolean NOT NULL,
  priority double precision NOT NULL,
  is_pre_labeled boolean NOT NULL,
  label_task_id text COLLATE "C" NOT NULL,
  created_by text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX assets_live_seq ON assets (project_id, seq) WHERE NOT deleted;
CREATE UNIQUE INDEX assets_deleted_seq ON assets (project_id, seq) WHERE deleted;
-- seq last: a page of the matches comes out of the index already in list order.
CREATE INDEX assets_live_external_id ON assets (project_id, external_id, seq) WHERE NOT deleted;
CREATE INDEX assets_live_created_at ON assets (project_id, created_at, seq) WHERE NOT deleted;
CREATE INDEX assets_live_created_by ON assets (project_id, created_by, seq) WHERE NOT deleted;
CREATE INDEX assets_live_editor_type ON assets (project_id, editor_type, seq) WHERE NOT deleted;
CREATE INDEX assets_live_pre_labeled ON assets (project_id, seq) WHERE NOT deleted AND is_pre_labeled;
-- metadata.* filters: equality and $in are containment (@>), $exists a path query (@?) and
-- comparisons a path predicate (@@); the default jsonb_ops classes index keys as well as values,
-- so that paths without a value (what $exists asks) can be looked up too.
CREATE INDEX assets_live_metadata ON assets USING gin (metadata_doc) WHERE NOT deleted;

CREATE TABLE asset_batches (
  asset_id text COLLATE "C" NOT NULL REFERENCES assets (id),
  batch_id text COLLATE "C" NOT NULL REFERENCES batches (id),
  PRIMARY KEY (asset_id, batch_id)
);
CREATE INDEX asset_batches_by_batch ON asset_batches (batch_id, asset_id);

-- One label task per asset, numbered with its asset's seq.
CREATE TABLE tasks (
  id text COLLATE "C" PRIMARY KEY,
  project_id text COLLATE "C" NOT NULL REFERENCES projects (id),
  asset_id text COLLATE "C" NOT NULL REFERENCES assets (id),
  seq bigint NOT NULL,
  stage text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  priority double precision NOT NULL,
  answer text NOT NULL,
  created_by text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX tasks_live_seq ON tasks (project_id, seq) WHERE NOT deleted;
CREATE UNIQUE INDEX tasks_deleted_seq ON tasks (project_id, seq) WHERE deleted;
CREATE INDEX tasks_by_asset ON tasks (asset_id);
CREATE INDEX tasks_live_status ON tasks (project_id, status, stage, seq) WHERE NOT deleted;
CREATE INDEX tasks_live_created_at ON tasks (project_id, created_at, seq) WHERE NOT deleted;
