-- Outbound events, written in the same transaction as the change they describe (never lost, never
-- made twice); server/webhook-relay.ts fans them out to the subscriptions.
CREATE FUNCTION threadline_conversation_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.assignee IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.assignee IS DISTINCT FROM OLD.assignee) THEN
    INSERT INTO webhook_events (type, data) VALUES ('conversation.assigned', jsonb_build_object(
      'conversationId', NEW.id, 'workflowId', NEW.workflow_id, 'contactId', NEW.contact_id,
      'assignee', NEW.assignee, 'team', NEW.team,
      'previousAssignee', CASE WHEN TG_OP = 'UPDATE' THEN OLD.assignee END));
  END IF;
  -- Every close (by a person or by automation) writes its outcome; a reopen clears it.
  IF TG_OP = 'UPDATE' AND NEW.outcome IS NOT NULL AND NEW.outcome IS DISTINCT FROM OLD.outcome THEN
    INSERT INTO webhook_events (type, data) VALUES ('conversation.closed', jsonb_build_object(
      'conversationId', NEW.id, 'workflowId', NEW.workflow_id, 'contactId', NEW.contact_id,
      'outcome', NEW.outcome, 'status', NEW.status, 'team', NEW.team));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conversations_webhook_events AFTER INSERT OR UPDATE OF assignee, outcome ON conversations
  FOR EACH ROW EXECUTE FUNCTION threadline_conversation_webhook_events();
--> statement-breakpoint
CREATE FUNCTION threadline_interaction_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind = 'sla_breach' THEN
    INSERT INTO webhook_events (id, type, data, at) VALUES (NEW.id, 'conversation.sla_breached',
      jsonb_build_object('conversationId', NEW.conversation_id, 'contactId', NEW.contact_id) || NEW.payload, NEW.at);
  ELSIF NEW.kind = 'follow_up' AND NEW.payload->>'sent' = 'true' THEN
    INSERT INTO webhook_events (id, type, data, at) VALUES (NEW.id, 'follow_up.sent',
      jsonb_build_object('conversationId', NEW.conversation_id, 'contactId', NEW.contact_id) || NEW.payload, NEW.at);
  ELSIF NEW.kind = 'deal_stage_proposed' THEN
    INSERT INTO webhook_events (id, type, data, at) VALUES (NEW.id, 'deal.stage_proposed',
      jsonb_build_object('conversationId', NEW.conversation_id, 'contactId', NEW.contact_id) || NEW.payload, NEW.at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER interaction_events_webhook_events AFTER INSERT ON interaction_events
  FOR EACH ROW EXECUTE FUNCTION threadline_interaction_webhook_events();
--> statement-breakpoint
CREATE FUNCTION threadline_merge_webhook_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, type, data, at) VALUES (NEW.id, 'contact.merged',
    jsonb_build_object('survivorId', NEW.survivor_id, 'mergedId', NEW.merged_id, 'mergedBy', NEW.merged_by), NEW.at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contact_merges_webhook_events AFTER INSERT ON contact_merges
  FOR EACH ROW EXECUTE FUNCTION threadline_merge_webhook_events();
