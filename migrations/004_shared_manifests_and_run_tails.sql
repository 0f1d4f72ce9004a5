-- foreign_keys: off
-- Two changes that make runs cheaper to store and to serve. Each distinct Argo manifest is stored once in
-- argo_manifests (the runs of a version share one; it was 2.4 KB copied into every run). And each run keeps its JSON
-- from "created_at" to its end (the run steps included) in runs.tail_json, so that the endpoint concatenates stored
-- text instead of formatting a dozen timestamps per run. Triggers keep tail_json current on any write; a writer may
-- supply it on insert (the run writer does, rendered the same way: a test holds the two equal). The runs table is
-- rebuilt, so this runs with foreign keys off (the runner checks them before it commits).

CREATE TABLE argo_manifests (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL UNIQUE CHECK (json_valid(json) AND json_type(json) = 'object')
) STRICT;

-- OR IGNORE against the UNIQUE index, not DISTINCT: a DISTINCT would sort every run's manifest in a temporary file.
INSERT OR IGNORE INTO argo_manifests (json) SELECT argo_manifest FROM runs;

-- The old table moves aside under legacy rules, so that run_steps' foreign key keeps naming "runs"; the new table
-- gets its view and triggers before the rows come in, and the insert trigger renders each run's tail as it arrives
-- (an UPDATE of every row afterwards would copy every page into a statement journal: 4 GB for a million runs).
PRAGMA legacy_alter_table = ON;
ALTER TABLE runs RENAME TO old_runs;

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  pipeline_id TEXT NOT NULL,
  version_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Pending', 'Running', 'Succeeded', 'Failed', 'Error')),
  manifest_id INTEGER NOT NULL REFERENCES argo_manifests (id),
  argo_metadata TEXT NOT NULL CHECK (json_valid(argo_metadata) AND json_type(argo_metadata) = 'object'),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  finished_at INTEGER CHECK (finished_at IS NULL OR finished_at >= created_at),
  -- ,"created_at":…,"finished_at":…,"run_steps":[…]} as the response has it (see the view run_tail_json).
  tail_json TEXT,
  -- The pipeline is stored with the run so one index serves the endpoint; this key keeps it equal to the version's.
  FOREIGN KEY (version_id, pipeline_id) REFERENCES pipeline_versions (id, pipeline_id) ON DELETE CASCADE
) STRICT;
-- The one definition of a run's tail; timestamps as pydantic writes them (YYYY-MM-DDTHH:MM:SS[.ffffff]Z).
CREATE VIEW run_tail_json (id, json) AS
SELECT r.id, concat(
  ',"created_at":"', strftime('%Y-%m-%dT%H:%M:%S', r.created_at / 1000000, 'unixepoch'),
  CASE WHEN r.created_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', r.created_at % 1000000) END, '"',
  ',"finished_at":', CASE WHEN r.finished_at IS NULL THEN 'null' ELSE concat('"',
    strftime('%Y-%m-%dT%H:%M:%S', r.finished_at / 1000000, 'unixepoch'),
    CASE WHEN r.finished_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', r.finished_at % 1000000) END, '"') END,
  ',"run_steps":[', (
    SELECT group_concat(concat(
      '{"name":', json_quote(rs.name),
      ',"run_name":', json_quote(rs.run_name),
      ',"status":', json_quote(rs.status),
      ',"started_at":', CASE WHEN rs.started_at IS NULL THEN 'null' ELSE concat('"',
        strftime('%Y-%m-%dT%H:%M:%S', rs.started_at / 1000000, 'unixepoch'),
        CASE WHEN rs.started_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', rs.started_at % 1000000) END, '"') END,
      ',"finished_at":', CASE WHEN rs.finished_at IS NULL THEN 'null' ELSE concat('"',
        strftime('%Y-%m-%dT%H:%M:%S', rs.finished_at / 1000000, 'unixepoch'),
        CASE WHEN rs.finished_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', rs.finished_at % 1000000) END, '"') END,
      '}'), ',' ORDER BY rs.position)
    FROM run_steps rs WHERE rs.run_id = r.id),
  ']}')
FROM runs r;

CREATE TRIGGER run_tail_on_insert AFTER INSERT ON runs WHEN NEW.tail_json IS NULL BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER run_tail_on_update AFTER UPDATE OF id, created_at, finished_at ON runs
WHEN OLD.id IS NOT NEW.id OR OLD.created_at IS NOT NEW.created_at OR OLD.finished_at IS NOT NEW.finished_at BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER run_tail_on_step_insert AFTER INSERT ON run_steps BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.run_id) WHERE id = NEW.run_id;
END;

CREATE TRIGGER run_tail_on_step_update AFTER UPDATE ON run_steps BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = OLD.run_id) WHERE id = OLD.run_id;
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.run_id)
  WHERE id = NEW.run_id AND NEW.run_id IS NOT OLD.run_id;
END;

CREATE TRIGGER run_tail_on_step_delete AFTER DELETE ON run_steps BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = OLD.run_id) WHERE id = OLD.run_id;
END;

INSERT INTO runs (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at, finished_at)
SELECT r.id, r.pipeline_id, r.version_id, r.name, r.status, m.id, r.argo_metadata, r.created_at, r.finished_at
FROM old_runs r JOIN argo_manifests m ON m.json = r.argo_manifest;

DROP TABLE old_runs;
PRAGMA legacy_alter_table = OFF;

-- Built after the copy (one sort each, not a million inserts), once the old table's indexes of the same names are gone.
CREATE INDEX runs_by_pipeline ON runs (pipeline_id, created_at DESC, id DESC);
-- Also the index that finds a version's runs when the version is deleted (its foreign key).
CREATE INDEX runs_by_version ON runs (pipeline_id, version_id, created_at DESC, id DESC);
