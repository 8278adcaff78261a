-- Organizations configured for sync. Bookkeeping of the last sync lives here, never on invoice rows.
create table organizations (
    id                      varchar(24)  primary key,
    name                    text,
    pending_payload_sha256  varchar(64),
    last_sync_succeeded_at  timestamptz,
    last_sync_run_id        bigint,
    created_at              timestamptz  not null default now(),
    constraint organizations_id_format check (id ~ '^[a-f0-9]{24}$')
);
