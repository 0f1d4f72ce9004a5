-- Everything stored in the file parses in SQLite 3.37 (Ubuntu 22.04's sqlite3; Debian 12 has 3.40), so people can open
-- and edit a database with the sqlite3 they already have: the views of 003 and 004 used concat() and
-- group_concat(… ORDER BY …), which need 3.44. Here `||` concatenates (coalesce where concat() read NULL as '') and
-- an ordered subquery feeds group_concat. Each step and run step is rendered by a view of its own, so that inserting
-- one at the end of its list appends its fragment to the stored JSON instead of rendering the whole list again
-- (quadratic in steps); an insert anywhere else still renders the whole JSON. The rendered bytes do not change.

DROP TRIGGER pipeline_version_json_on_insert;
DROP TRIGGER pipeline_version_json_on_update;
DROP TRIGGER pipeline_version_json_on_step_insert;
DROP TRIGGER pipeline_version_json_on_step_update;
DROP TRIGGER pipeline_version_json_on_step_delete;
DROP TRIGGER run_tail_on_insert;
DROP TRIGGER run_tail_on_update;
DROP TRIGGER run_tail_on_step_insert;
DROP TRIGGER run_tail_on_step_update;
DROP TRIGGER run_tail_on_step_delete;
DROP VIEW pipeline_version_json;
DROP VIEW run_tail_json;

-- Timestamps as pydantic writes them: YYYY-MM-DDTHH:MM:SS[.ffffff]Z, from microseconds since the epoch.
CREATE VIEW step_json (id, version_id, position, json) AS
SELECT s.id, s.version_id, s.position,
  '{"name":' || json_quote(s.name) ||
  ',"config":{"query_type":' || json_quote(s.query_type) ||
  ',"query":' || json_quote(s.query) ||
  ',"input_datasets":' || json(s.input_datasets) ||
  ',"output_datasets":' || json(s.output_datasets) ||
  ',"job_type":' || json_quote(s.job_type) ||
  '},"created_at":"' || strftime('%Y-%m-%dT%H:%M:%S', s.created_at / 1000000, 'unixepoch') ||
  CASE WHEN s.created_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', s.created_at % 1000000) END ||
  '","id":' || json_quote(s.id) || '}'
FROM steps s;

-- What follows a version's steps: the end of the array, created_at, the closing brace.
CREATE VIEW pipeline_version_json_end (id, json) AS
SELECT v.id,
  '],"created_at":"' || strftime('%Y-%m-%dT%H:%M:%S', v.created_at / 1000000, 'unixepoch') ||
  CASE WHEN v.created_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', v.created_at % 1000000) END || '"}'
FROM pipeline_versions v;

-- The one definition of a version's JSON, with its steps in position order, in the response's field order.
CREATE VIEW pipeline_version_json (id, json) AS
SELECT v.id,
  '{"id":' || json_quote(v.id) || ',"pipeline_id":' || json_quote(v.pipeline_id) || ',"steps":[' ||
  coalesce((SELECT group_concat(ordered.json, ',') FROM (
    SELECT sj.json FROM step_json sj WHERE sj.version_id = v.id ORDER BY sj.position) AS ordered), '') ||
  (SELECT e.json FROM pipeline_version_json_end e WHERE e.id = v.id)
FROM pipeline_versions v;

CREATE VIEW run_step_json (run_id, position, json) AS
SELECT rs.run_id, rs.position,
  '{"name":' || json_quote(rs.name) ||
  ',"run_name":' || json_quote(rs.run_name) ||
  ',"status":' || json_quote(rs.status) ||
  ',"started_at":' || CASE WHEN rs.started_at IS NULL THEN 'null' ELSE '"' ||
    strftime('%Y-%m-%dT%H:%M:%S', rs.started_at / 1000000, 'unixepoch') ||
    CASE WHEN rs.started_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', rs.started_at % 1000000) END || '"' END ||
  ',"finished_at":' || CASE WHEN rs.finished_at IS NULL THEN 'null' ELSE '"' ||
    strftime('%Y-%m-%dT%H:%M:%S', rs.finished_at / 1000000, 'unixepoch') ||
    CASE WHEN rs.finished_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', rs.finished_at % 1000000) END || '"' END ||
  '}'
FROM run_steps rs;

-- The one definition of a run's tail: ,"created_at":…,"finished_at":…,"run_steps":[…]} (src/db/run-tail.ts renders
-- the same bytes in JS for the bulk writers).
CREATE VIEW run_tail_json (id, json) AS
SELECT r.id,
  ',"created_at":"' || strftime('%Y-%m-%dT%H:%M:%S', r.created_at / 1000000, 'unixepoch') ||
  CASE WHEN r.created_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', r.created_at % 1000000) END || '"' ||
  ',"finished_at":' || CASE WHEN r.finished_at IS NULL THEN 'null' ELSE '"' ||
    strftime('%Y-%m-%dT%H:%M:%S', r.finished_at / 1000000, 'unixepoch') ||
    CASE WHEN r.finished_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', r.finished_at % 1000000) END || '"' END ||
  ',"run_steps":[' ||
  coalesce((SELECT group_concat(ordered.json, ',') FROM (
    SELECT rsj.json FROM run_step_json rsj WHERE rsj.run_id = r.id ORDER BY rsj.position) AS ordered), '') ||
  ']}'
FROM runs r;

CREATE TRIGGER pipeline_version_json_on_insert AFTER INSERT ON pipeline_versions BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER pipeline_version_json_on_update AFTER UPDATE OF id, pipeline_id, created_at ON pipeline_versions
WHEN OLD.id IS NOT NEW.id OR OLD.pipeline_id IS NOT NEW.pipeline_id OR OLD.created_at IS NOT NEW.created_at BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

-- A step after the last one is spliced in before the stored end (a ',' first unless the array was empty); a step
-- anywhere else, or a version without stored JSON, is rendered whole.
CREATE TRIGGER pipeline_version_json_on_step_insert AFTER INSERT ON steps BEGIN
  UPDATE pipeline_versions SET json = (
    SELECT substr(pipeline_versions.json, 1, length(pipeline_versions.json) - length(e.json)) ||
      CASE WHEN substr(pipeline_versions.json, length(pipeline_versions.json) - length(e.json), 1) = '[' THEN '' ELSE ',' END ||
      (SELECT sj.json FROM step_json sj WHERE sj.id = NEW.id) || e.json
    FROM pipeline_version_json_end e WHERE e.id = NEW.version_id)
  WHERE id = NEW.version_id AND json IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.version_id = NEW.version_id AND s.position > NEW.position);
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.version_id)
  WHERE id = NEW.version_id
    AND (json IS NULL OR EXISTS (SELECT 1 FROM steps s WHERE s.version_id = NEW.version_id AND s.position > NEW.position));
END;

CREATE TRIGGER pipeline_version_json_on_step_update AFTER UPDATE ON steps BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = OLD.version_id)
  WHERE id = OLD.version_id;
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.version_id)
  WHERE id = NEW.version_id AND NEW.version_id IS NOT OLD.version_id;
END;

CREATE TRIGGER pipeline_version_json_on_step_delete AFTER DELETE ON steps BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = OLD.version_id)
  WHERE id = OLD.version_id;
END;

CREATE TRIGGER run_tail_on_insert AFTER INSERT ON runs WHEN NEW.tail_json IS NULL BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER run_tail_on_update AFTER UPDATE OF id, created_at, finished_at ON runs
WHEN OLD.id IS NOT NEW.id OR OLD.created_at IS NOT NEW.created_at OR OLD.finished_at IS NOT NEW.finished_at BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

-- As for steps: a run step after the last one is spliced in before the closing ']}'.
CREATE TRIGGER run_tail_on_step_insert AFTER INSERT ON run_steps BEGIN
  UPDATE runs SET tail_json = substr(tail_json, 1, length(tail_json) - 2) ||
    CASE WHEN substr(tail_json, -3, 1) = '[' THEN '' ELSE ',' END ||
    (SELECT rsj.json FROM run_step_json rsj WHERE rsj.run_id = NEW.run_id AND rsj.position = NEW.position) || ']}'
  WHERE id = NEW.run_id AND tail_json IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM run_steps rs WHERE rs.run_id = NEW.run_id AND rs.position > NEW.position);
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.run_id)
  WHERE id = NEW.run_id
    AND (tail_json IS NULL OR EXISTS (SELECT 1 FROM run_steps rs WHERE rs.run_id = NEW.run_id AND rs.position > NEW.position));
END;

CREATE TRIGGER run_tail_on_step_update AFTER UPDATE ON run_steps BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = OLD.run_id) WHERE id = OLD.run_id;
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = NEW.run_id)
  WHERE id = NEW.run_id AND NEW.run_id IS NOT OLD.run_id;
END;

CREATE TRIGGER run_tail_on_step_delete AFTER DELETE ON run_steps BEGIN
  UPDATE runs SET tail_json = (SELECT json FROM run_tail_json WHERE id = OLD.run_id) WHERE id = OLD.run_id;
END;
