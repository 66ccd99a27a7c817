-- The scheduler claims in (due_at, id) order: with this index a claim reads only the rows it
-- takes, however many steps are pending (a burst of 20,000 due at once).
CREATE INDEX steps_pending_order ON steps (due_at, id) WHERE status = 'pending';
DROP INDEX steps_due;
-- Claimed steps (a lease is set) are few; the next wake-up reads them apart.
CREATE INDEX steps_leased ON steps (lease_until) WHERE status = 'pending' AND lease_until IS NOT NULL;
