-- Cards to redraw are looked for after every scheduler pass. Only incidents whose posted card
-- shows an older version than the incident are in this index, so the lookup reads those few
-- rather than every incident ever declared.
CREATE INDEX incidents_stale_card ON incidents (id) WHERE card_ts IS NOT NULL AND card_version < version;
-- A replica redrawing a card holds it until then, so two replicas do not both redraw it (every
-- chat.update counts against Slack's rate limit); one that dies mid-redraw lets go when it runs out.
ALTER TABLE incidents ADD COLUMN card_lease_until timestamptz;
