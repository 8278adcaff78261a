-- Orgs synced because billing.orgs-discovery found them in GET /api/atlas/v2/orgs: since when they are listed there
-- (null for orgs that are only configured, and once a discovered org leaves the list; its data stays).
alter table organizations add column discovered_at timestamptz;
