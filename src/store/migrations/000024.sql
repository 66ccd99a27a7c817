-- Cards to redraw are looked for after every scheduler pass. Only incidents whose posted card
-- shows an older version than the incident are in this index, so the lookup reads those few
-- rather than every incident ever declared.
CREATE INDEX incidents_stale_card ON incidents (id) WHERE card_ts IS NOT NULL AND card_version < version;
