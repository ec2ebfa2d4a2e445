-- Raised by the pipeline's commit (one statement writes a batch of turns) when a turn's lock
-- token is older than its conversation's stored checkpoint: the whole statement, every turn of
-- the batch, rolls back. SQLSTATE WF001, so the runtime tells it from other failures.
CREATE OR REPLACE FUNCTION waflow_stale_fence(conversation_ids text) RETURNS void AS $$
BEGIN
  RAISE EXCEPTION 'a newer holder checkpointed conversation %', conversation_ids
    USING ERRCODE = 'WF001';
END;
$$ LANGUAGE plpgsql;
