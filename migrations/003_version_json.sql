-- Each pipeline version's JSON (with its steps, in the response's field order), kept current by triggers so that
-- the runs endpoint embeds it as text instead of assembling it again for every run.
ALTER TABLE pipeline_versions ADD COLUMN json TEXT CHECK (json IS NULL OR json_valid(json));

-- The one definition of a version's JSON; timestamps as pydantic writes them (YYYY-MM-DDTHH:MM:SS[.ffffff]Z).
CREATE VIEW pipeline_version_json (id, json) AS
SELECT v.id, concat(
  '{"id":', json_quote(v.id),
  ',"pipeline_id":', json_quote(v.pipeline_id),
  ',"steps":[', (
    SELECT group_concat(concat(
      '{"name":', json_quote(s.name),
      ',"config":{"query_type":', json_quote(s.query_type),
      ',"query":', json_quote(s.query),
      ',"input_datasets":', json(s.input_datasets),
      ',"output_datasets":', json(s.output_datasets),
      ',"job_type":', json_quote(s.job_type),
      '},"created_at":"', strftime('%Y-%m-%dT%H:%M:%S', s.created_at / 1000000, 'unixepoch'),
      CASE WHEN s.created_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', s.created_at % 1000000) END,
      '","id":', json_quote(s.id), '}'), ',' ORDER BY s.position)
    FROM steps s WHERE s.version_id = v.id),
  '],"created_at":"', strftime('%Y-%m-%dT%H:%M:%S', v.created_at / 1000000, 'unixepoch'),
  CASE WHEN v.created_at % 1000000 = 0 THEN 'Z' ELSE printf('.%06dZ', v.created_at % 1000000) END,
  '"}')
FROM pipeline_versions v;

CREATE TRIGGER pipeline_version_json_on_insert AFTER INSERT ON pipeline_versions BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER pipeline_version_json_on_update AFTER UPDATE OF id, pipeline_id, created_at ON pipeline_versions
WHEN OLD.id IS NOT NEW.id OR OLD.pipeline_id IS NOT NEW.pipeline_id OR OLD.created_at IS NOT NEW.created_at BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER pipeline_version_json_on_step_insert AFTER INSERT ON steps BEGIN
  UPDATE pipeline_versions SET json = (SELECT json FROM pipeline_version_json WHERE id = NEW.version_id)
  WHERE id = NEW.version_id;
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

UPDATE pipeline_versions SET json = (SELECT j.json FROM pipeline_version_json j WHERE j.id = pipeline_versions.id);
