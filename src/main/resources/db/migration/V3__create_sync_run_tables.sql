create table sync_runs (
    id                  bigint       generated always as identity primary key,
    org_id              varchar(24)  not null references organizations (id),
    trigger             text         not null,
    status              text         not null,
    -- The schedule tick this run belongs to (null for manual and startup runs): replicas run an org once per tick.
    tick_at             timestamptz,
    started_at          timestamptz  not null,
    finished_at         timestamptz,
    invoices_written    integer      not null default 0,
    line_items_written  integer      not null default 0,
    usage_rows_written  integer      not null default 0,
    atlas_requests      integer      not null default 0,
    error_code          text,
    error_detail        text,
    runner              text         not null,
    constraint sync_runs_trigger check (trigger in ('STARTUP', 'SCHEDULED', 'MANUAL')),
    constraint sync_runs_status check (status in ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED'))
);
create unique index sync_runs_one_per_tick on sync_runs (org_id, tick_at) where tick_at is not null;
create index sync_runs_org_started_idx on sync_runs (org_id, started_at desc);
create index sync_runs_started_idx on sync_runs (started_at desc);

alter table organizations
    add constraint organizations_last_sync_run_fk foreign key (last_sync_run_id) references sync_runs (id);

-- ShedLock's table (its documented PostgreSQL layout): one row per lock name, "sync-org-<orgId>".
create table shedlock (
    name        varchar(64)   not null primary key,
    lock_until  timestamp     not null,
    locked_at   timestamp     not null,
    locked_by   varchar(255)  not null
);
