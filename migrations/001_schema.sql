-- Pipelines, their versions and steps, runs and run steps. Times are integer microseconds since the epoch (UTC).
CREATE TABLE pipelines (
  id TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE pipeline_versions (
  id TEXT PRIMARY KEY,
  pipeline_id TEXT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  UNIQUE (id, pipeline_id)
) STRICT;
CREATE INDEX pipeline_versions_by_pipeline ON pipeline_versions (pipeline_id);

CREATE TABLE steps (
  id TEXT PRIMARY KEY,
  version_id TEXT NOT NULL REFERENCES pipeline_versions (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  name TEXT NOT NULL,
  query_type TEXT NOT NULL,
  query TEXT NOT NULL,
  input_datasets TEXT NOT NULL CHECK (json_valid(input_datasets) AND json_type(input_datasets) = 'array'),
  output_datasets TEXT NOT NULL CHECK (json_valid(output_datasets) AND json_type(output_datasets) = 'array'),
  job_type TEXT NOT NULL,
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  UNIQUE (version_id, position),
  UNIQUE (version_id, name)
) STRICT;

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  pipeline_id TEXT NOT NULL,
  version_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Pending', 'Running', 'Succeeded', 'Failed', 'Error')),
  argo_manifest TEXT NOT NULL CHECK (json_valid(argo_manifest) AND json_type(argo_manifest) = 'object'),
  argo_metadata TEXT NOT NULL CHECK (json_valid(argo_metadata) AND json_type(argo_metadata) = 'object'),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  finished_at INTEGER CHECK (finished_at IS NULL OR finished_at >= created_at),
  -- The pipeline is stored with the run so one index serves the endpoint; this key keeps it equal to the version's.
  FOREIGN KEY (version_id, pipeline_id) REFERENCES pipeline_versions (id, pipeline_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX runs_by_pipeline ON runs (pipeline_id, created_at DESC, id DESC);
CREATE INDEX runs_by_version ON runs (pipeline_id, version_id, created_at DESC, id DESC);
CREATE INDEX runs_by_version_id ON runs (version_id);

CREATE TABLE run_steps (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  name TEXT NOT NULL,
  run_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted')),
  started_at INTEGER CHECK (started_at IS NULL OR started_at >= 0),
  finished_at INTEGER CHECK (finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at),
  PRIMARY KEY (run_id, position)
) STRICT, WITHOUT ROWID;
