-- Background copies for uploadLocal imports: one row per asset imported with uploadLocal,
-- created in the import's transaction. The row is both the work item and the asset's copy
-- state, so the state survives restarts and a job is never lost between them.
--
-- status: 'pending' (waiting or running), 'done', 'failed' (for good; error says why).
-- A claim leases the job: lease_token names the claim and next_attempt_at moves to the lease's
-- end, so a job whose worker died is simply due again once the lease runs out.
CREATE TABLE copy_jobs (
  asset_id TEXT PRIMARY KEY REFERENCES assets (id),
  organization_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  source_url TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  error TEXT,                     -- why the last attempt failed; NULL when none did
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_token TEXT,               -- the claim holding the job; NULL when none does
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX copy_jobs_due ON copy_jobs (next_attempt_at) WHERE status = 'pending';
