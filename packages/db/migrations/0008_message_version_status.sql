-- Each answer version keeps how it ended. Before, one status per message was overwritten by every
-- retry: the version shown now takes the message's status, the others read as complete.
UPDATE "messages" m SET "versions" = (
  SELECT jsonb_agg(
    CASE WHEN e.v ? 'status' THEN e.v
      ELSE e.v || jsonb_build_object('status', CASE WHEN e.i - 1 = m."current_version" THEN m."status"::text ELSE 'complete' END)
    END ORDER BY e.i)
  FROM jsonb_array_elements(m."versions") WITH ORDINALITY AS e(v, i)
)
WHERE m."role" = 'assistant' AND jsonb_typeof(m."versions") = 'array' AND jsonb_array_length(m."versions") > 0;
