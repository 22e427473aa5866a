-- Last-contact timestamps on contacts, companies and deals, kept in the transaction of each message
-- (statement-level: a body of 480 messages updates each row once). They only move forward: a
-- message that arrives late (an older WhatsApp timestamp) changes nothing, and an unchanged row is
-- not written. A deal is touched by its conversations and, while open, by its contact's (or, for a
-- company's deal without a contact, its company's) messages.
CREATE FUNCTION threadline_last_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH t AS (
    SELECT contact_id, max(sent_at) AS any_at,
           max(sent_at) FILTER (WHERE direction = 'in') AS in_at,
           max(sent_at) FILTER (WHERE direction = 'out') AS out_at
    FROM new_messages GROUP BY contact_id
  )
  UPDATE contacts c SET
    last_contact_at = greatest(c.last_contact_at, t.any_at),
    last_inbound_at = greatest(c.last_inbound_at, t.in_at),
    last_outbound_at = greatest(c.last_outbound_at, t.out_at)
  FROM t
  WHERE c.id = t.contact_id
    AND (c.last_contact_at IS DISTINCT FROM greatest(c.last_contact_at, t.any_at)
      OR c.last_inbound_at IS DISTINCT FROM greatest(c.last_inbound_at, t.in_at)
      OR c.last_outbound_at IS DISTINCT FROM greatest(c.last_outbound_at, t.out_at));

  WITH t AS (
    SELECT ct.company_id, max(n.sent_at) AS any_at,
           max(n.sent_at) FILTER (WHERE n.direction = 'in') AS in_at,
           max(n.sent_at) FILTER (WHERE n.direction = 'out') AS out_at
    FROM new_messages n JOIN contacts ct ON ct.id = n.contact_id
    WHERE ct.company_id IS NOT NULL GROUP BY ct.company_id
  )
  UPDATE companies c SET
    last_contact_at = greatest(c.last_contact_at, t.any_at),
    last_inbound_at = greatest(c.last_inbound_at, t.in_at),
    last_outbound_at = greatest(c.last_outbound_at, t.out_at)
  FROM t
  WHERE c.id = t.company_id
    AND (c.last_contact_at IS DISTINCT FROM greatest(c.last_contact_at, t.any_at)
      OR c.last_inbound_at IS DISTINCT FROM greatest(c.last_inbound_at, t.in_at)
      OR c.last_outbound_at IS DISTINCT FROM greatest(c.last_outbound_at, t.out_at));

  WITH touched AS (
    -- Three indexed paths, not one OR join (which would scan deals).
    SELECT cv.deal_id, n.sent_at, n.direction
    FROM new_messages n JOIN conversations cv ON cv.id = n.conversation_id WHERE cv.deal_id IS NOT NULL
    UNION ALL
    SELECT d.id, n.sent_at, n.direction
    FROM new_messages n JOIN deals d ON d.contact_id = n.contact_id WHERE d.status = 'open'
    UNION ALL
    SELECT d.id, n.sent_at, n.direction
    FROM new_messages n JOIN contacts ct ON ct.id = n.contact_id
    JOIN deals d ON d.company_id = ct.company_id AND d.contact_id IS NULL WHERE d.status = 'open'
  ), t AS (
    SELECT deal_id, max(sent_at) AS any_at,
           max(sent_at) FILTER (WHERE direction = 'in') AS in_at,
           max(sent_at) FILTER (WHERE direction = 'out') AS out_at
    FROM touched GROUP BY deal_id
  )
  UPDATE deals d SET
    last_contact_at = greatest(d.last_contact_at, t.any_at),
    last_inbound_at = greatest(d.last_inbound_at, t.in_at),
    last_outbound_at = greatest(d.last_outbound_at, t.out_at)
  FROM t
  WHERE d.id = t.deal_id
    AND (d.last_contact_at IS DISTINCT FROM greatest(d.last_contact_at, t.any_at)
      OR d.last_inbound_at IS DISTINCT FROM greatest(d.last_inbound_at, t.in_at)
      OR d.last_outbound_at IS DISTINCT FROM greatest(d.last_outbound_at, t.out_at));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER messages_last_contact AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_messages
  FOR EACH STATEMENT EXECUTE FUNCTION threadline_last_contact();
--> statement-breakpoint
-- What was there before: the same figures from the stored messages.
WITH t AS (
  SELECT contact_id, max(sent_at) AS any_at,
         max(sent_at) FILTER (WHERE direction = 'in') AS in_at,
         max(sent_at) FILTER (WHERE direction = 'out') AS out_at
  FROM messages GROUP BY contact_id
)
UPDATE contacts c SET last_contact_at = t.any_at, last_inbound_at = t.in_at, last_outbound_at = t.out_at
FROM t WHERE c.id = t.contact_id;
--> statement-breakpoint
WITH t AS (
  SELECT company_id, max(last_contact_at) AS any_at, max(last_inbound_at) AS in_at, max(last_outbound_at) AS out_at
  FROM contacts WHERE company_id IS NOT NULL GROUP BY company_id
)
UPDATE companies c SET last_contact_at = t.any_at, last_inbound_at = t.in_at, last_outbound_at = t.out_at
FROM t WHERE c.id = t.company_id;
--> statement-breakpoint
WITH touched AS (
  -- Three indexed paths, not one OR join (which would scan deals).
  SELECT cv.deal_id, m.sent_at, m.direction
  FROM messages m JOIN conversations cv ON cv.id = m.conversation_id WHERE cv.deal_id IS NOT NULL
  UNION ALL
  SELECT d.id, m.sent_at, m.direction
  FROM messages m JOIN deals d ON d.contact_id = m.contact_id WHERE d.status = 'open'
  UNION ALL
  SELECT d.id, m.sent_at, m.direction
  FROM messages m JOIN contacts ct ON ct.id = m.contact_id
  JOIN deals d ON d.company_id = ct.company_id AND d.contact_id IS NULL WHERE d.status = 'open'
), t AS (
  SELECT deal_id, max(sent_at) AS any_at,
         max(sent_at) FILTER (WHERE direction = 'in') AS in_at,
         max(sent_at) FILTER (WHERE direction = 'out') AS out_at
  FROM touched GROUP BY deal_id
)
UPDATE deals d SET last_contact_at = t.any_at, last_inbound_at = t.in_at, last_outbound_at = t.out_at
FROM t WHERE d.id = t.deal_id;
