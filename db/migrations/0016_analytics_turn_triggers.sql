-- The analytics rollup (response_turns), kept by triggers in the transaction of each fact, so it is
-- never behind, never counts a fact twice (the facts themselves are written once), and needs no
-- activity of its own. A turn: the routing decision on a buyer's burst opens it (when it needs a
-- reply); the first human reply (an agent's reply, scheduled reply or template) answers it; an
-- acknowledgement or a follow-up never does; a close ends it; an SLA breach counts on it.
CREATE FUNCTION threadline_turn_from_decision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  open_id uuid;
  open_due timestamptz;
  needs boolean := coalesce((NEW.payload->>'needsReply')::boolean, false);
  answered boolean := jsonb_typeof(NEW.payload->'automatedAnswers') = 'array' AND jsonb_array_length(NEW.payload->'automatedAnswers') > 0;
  started timestamptz;
  conv record;
  turn_kind text;
  reply record;
BEGIN
  IF NEW.conversation_id IS NULL THEN RETURN NULL; END IF;
  SELECT id, due_at INTO open_id, open_due FROM response_turns
    WHERE conversation_id = NEW.conversation_id AND responded_at IS NULL AND ended_at IS NULL
    ORDER BY started_at LIMIT 1 FOR UPDATE;
  IF open_id IS NOT NULL THEN
    -- The buyer wrote again before anyone answered: the same turn goes on (its clock from the first message).
    IF needs AND open_due IS NULL AND NEW.payload->>'dueAt' IS NOT NULL THEN
      UPDATE response_turns SET due_at = (NEW.payload->>'dueAt')::timestamptz WHERE id = open_id;
    END IF;
    RETURN NULL;
  END IF;
  -- (An array, not a subquery: the unique index, never a join over every message.)
  SELECT min(sent_at) INTO started FROM messages
    WHERE wa_message_id = ANY (ARRAY(SELECT jsonb_array_elements_text(coalesce(NEW.payload->'messages', '[]'::jsonb))));
  started := coalesce(started, NEW.at);
  SELECT team, assignee INTO conv FROM conversations WHERE id = NEW.conversation_id;
  turn_kind := coalesce(NEW.payload->>'slaKind',
    CASE WHEN EXISTS (SELECT 1 FROM response_turns WHERE conversation_id = NEW.conversation_id AND responded_at IS NOT NULL)
      THEN 'next_response' ELSE 'first_response' END);
  IF needs THEN
    INSERT INTO response_turns (conversation_id, decision_id, kind, team, agent_id, started_at, needs_reply, due_at)
      VALUES (NEW.conversation_id, NEW.id, turn_kind, coalesce(conv.team, NEW.payload->>'team'),
              coalesce(conv.assignee, NEW.payload->>'assignee'), started, true, (NEW.payload->>'dueAt')::timestamptz)
      ON CONFLICT (decision_id) DO NOTHING;
    -- A person may have answered while the decision was being made: that reply answers this turn.
    SELECT m.sent_at, m.raw->>'sentBy' AS sent_by INTO reply FROM messages m JOIN outbox o ON o.key = m.raw->>'outboxKey'
      WHERE m.conversation_id = NEW.conversation_id AND m.direction = 'out' AND m.sent_at >= started
        AND o.kind IN ('reply', 'template') AND coalesce(m.raw->>'sentBy', '') <> 'automation'
      ORDER BY m.sent_at LIMIT 1;
    IF reply.sent_at IS NOT NULL THEN
      UPDATE response_turns SET responded_at = reply.sent_at, responded_by = 'human', responder = reply.sent_by,
        agent_id = CASE WHEN EXISTS (SELECT 1 FROM agents WHERE id::text = reply.sent_by) THEN reply.sent_by ELSE agent_id END
        WHERE decision_id = NEW.id;
    END IF;
  ELSIF EXISTS (SELECT 1 FROM messages m JOIN outbox o ON o.key = m.raw->>'outboxKey'
      WHERE m.conversation_id = NEW.conversation_id AND m.direction = 'out' AND m.sent_at >= started
        AND o.kind IN ('reply', 'template') AND coalesce(m.raw->>'sentBy', '') <> 'automation') THEN
    -- A person answered before the engine decided (nothing left to reply to): a turn, answered by them.
    SELECT m.sent_at, m.raw->>'sentBy' AS sent_by INTO reply FROM messages m JOIN outbox o ON o.key = m.raw->>'outboxKey'
      WHERE m.conversation_id = NEW.conversation_id AND m.direction = 'out' AND m.sent_at >= started
        AND o.kind IN ('reply', 'template') AND coalesce(m.raw->>'sentBy', '') <> 'automation'
      ORDER BY m.sent_at LIMIT 1;
    INSERT INTO response_turns (conversation_id, decision_id, kind, team, agent_id, started_at, needs_reply, responded_at, responded_by, responder)
      VALUES (NEW.conversation_id, NEW.id, turn_kind, coalesce(conv.team, NEW.payload->>'team'),
              CASE WHEN EXISTS (SELECT 1 FROM agents WHERE id::text = reply.sent_by) THEN reply.sent_by ELSE coalesce(conv.assignee, NEW.payload->>'assignee') END,
              started, true, reply.sent_at, 'human', reply.sent_by)
      ON CONFLICT (decision_id) DO NOTHING;
  ELSIF answered THEN
    -- Settled by the knowledge base's answers: a response, by automation.
    INSERT INTO response_turns (conversation_id, decision_id, kind, team, agent_id, started_at, needs_reply, responded_at, responded_by, responder)
      VALUES (NEW.conversation_id, NEW.id, turn_kind, coalesce(conv.team, NEW.payload->>'team'),
              coalesce(conv.assignee, NEW.payload->>'assignee'), started, false, greatest(NEW.at, started), 'automation', 'automation')
      ON CONFLICT (decision_id) DO NOTHING;
  ELSE
    -- Nothing owed ("thanks", a closing word): counted as activity, never as a response to make.
    INSERT INTO response_turns (conversation_id, decision_id, kind, team, agent_id, started_at, needs_reply, ended_at)
      VALUES (NEW.conversation_id, NEW.id, turn_kind, coalesce(conv.team, NEW.payload->>'team'),
              coalesce(conv.assignee, NEW.payload->>'assignee'), started, false, started)
      ON CONFLICT (decision_id) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER interaction_events_turn_decision AFTER INSERT ON interaction_events
  FOR EACH ROW WHEN (NEW.kind = 'decision') EXECUTE FUNCTION threadline_turn_from_decision();
--> statement-breakpoint
CREATE FUNCTION threadline_turn_breach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE response_turns SET breaches = breaches + 1
    WHERE conversation_id = NEW.conversation_id AND responded_at IS NULL AND ended_at IS NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER interaction_events_turn_breach AFTER INSERT ON interaction_events
  FOR EACH ROW WHEN (NEW.kind = 'sla_breach') EXECUTE FUNCTION threadline_turn_breach();
--> statement-breakpoint
CREATE FUNCTION threadline_turn_reply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  send_kind text;
  sent_by text := NEW.raw->>'sentBy';
BEGIN
  SELECT kind INTO send_kind FROM outbox WHERE key = NEW.raw->>'outboxKey';
  IF send_kind IS NULL OR send_kind NOT IN ('reply', 'template') OR coalesce(sent_by, '') = 'automation' THEN RETURN NULL; END IF;
  UPDATE response_turns SET responded_at = greatest(NEW.sent_at, started_at), responded_by = 'human', responder = sent_by,
    agent_id = CASE WHEN EXISTS (SELECT 1 FROM agents WHERE id::text = sent_by) THEN sent_by ELSE agent_id END
    WHERE conversation_id = NEW.conversation_id AND responded_at IS NULL AND ended_at IS NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER messages_turn_reply AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.direction = 'out') EXECUTE FUNCTION threadline_turn_reply();
--> statement-breakpoint
CREATE FUNCTION threadline_turn_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'resolved' AND OLD.status IS DISTINCT FROM 'resolved' THEN
    -- When it was closed: the writer's clock when it stamped the row (as every other fact), else now.
    UPDATE response_turns SET ended_at = coalesce(nullif(NEW.updated_at, OLD.updated_at), now())
      WHERE conversation_id = NEW.id AND responded_at IS NULL AND ended_at IS NULL;
  ELSIF NEW.assignee IS DISTINCT FROM OLD.assignee OR NEW.team IS DISTINCT FROM OLD.team THEN
    -- Whoever holds it while the turn is open answers for it.
    UPDATE response_turns SET agent_id = NEW.assignee, team = coalesce(NEW.team, team)
      WHERE conversation_id = NEW.id AND responded_at IS NULL AND ended_at IS NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conversations_turn_holder AFTER UPDATE OF status, assignee, team ON conversations
  FOR EACH ROW EXECUTE FUNCTION threadline_turn_conversation();
