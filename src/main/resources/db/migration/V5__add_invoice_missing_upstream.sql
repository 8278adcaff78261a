-- An invoice Atlas no longer serves (404 by id) is kept with its data and flagged with the time we noticed; it
-- never blocks the rest of its org's sync. Cleared when Atlas serves the invoice again.
alter table invoices add column missing_upstream_at timestamptz;

-- A paying org's pending list can carry its linked orgs' pending invoices, each stored under its own org. An org still
-- has one pending invoice at a time upstream, but a list that briefly shows two (a month turning over) must not fail
-- the whole org's write, so the one-pending-per-org rule is no longer a constraint.
drop index invoices_one_pending_per_org;
create index invoices_pending_idx on invoices (org_id) where is_pending;
