-- Background copies for uploadLocal imports: one row per asset imported with uploadLocal,
-- created in the import's transaction. The row is both the work item and the asset's copy
-- state, so the state survives restarts and a job is never lost between them.
--
-- status: 'pending' (waiting or running), 'done', 'failed' (for good; error says why).
-- A claim leases the job: lease_token names the claim and next_attempt_at moves to the lease's
-- end, so a job whose node died is simply due again once the lease runs out. Nodes claim with
-- FOR UPDATE SKIP LOCKED, so two nodes never take the same job.
CREATE TABLE copy_jobs (
  asset_id text COLLATE "C" PRIMARY KEY REFERENCES assets (id),
  organization_id text COLLATE "C" NOT NULL,
  project_id text COLLATE "C" NOT NULL,
  source_url text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  error text,                     -- why the last attempt failed; NULL when none did
  attempts bigint NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  lease_token text COLLATE "C",   -- the claim holding the job; NULL when none does
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX copy_jobs_due ON copy_jobs (next_attempt_at, asset_id) WHERE status = 'pending';
