-- A published flow version is immutable: its config, number, checksum and flow never change
-- (archiving it is the only change allowed).
CREATE OR REPLACE FUNCTION waflow_flow_versions_immutable() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status <> 'draft' THEN
    IF NEW.config IS DISTINCT FROM OLD.config
       OR NEW.version IS DISTINCT FROM OLD.version
       OR NEW.checksum IS DISTINCT FROM OLD.checksum
       OR NEW.flow_id IS DISTINCT FROM OLD.flow_id
       OR (NEW.status = 'draft') THEN
      RAISE EXCEPTION 'flow version % of flow % is published and cannot be changed', OLD.version, OLD.flow_id
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER flow_versions_immutable BEFORE UPDATE ON flow_versions
  FOR EACH ROW EXECUTE FUNCTION waflow_flow_versions_immutable();
