-- One Cost Explorer query per org, grouping and sync run: its request, token, how polling went, how it ended.
create table cost_explorer_queries (
    id               bigint       generated always as identity primary key,
    org_id           varchar(24)  not null references organizations (id),
    sync_run_id      bigint       references sync_runs (id),
    group_by         text         not null,
    start_date       date         not null,
    end_date         date         not null,
    request          jsonb        not null,
    token            text,
    state            text         not null,
    created_at       timestamptz  not null,
    completed_at     timestamptz,
    polls            integer      not null default 0,
    recreated        integer      not null default 0,
    rows_returned    integer,
    error_code       text,
    error_detail     text,
    constraint cost_explorer_queries_state
        check (state in ('RUNNING', 'READY', 'TIMED_OUT', 'FAILED')),
    constraint cost_explorer_queries_month_range check (end_date > start_date)
);
create index cost_explorer_queries_org_created_idx on cost_explorer_queries (org_id, created_at desc);

-- Monthly usage rows. A month's rows of one org and grouping are replaced as a set, in one transaction, when a
-- query returns a different set for that month; content_sha256 on cost_usage_months tells whether it did.
create table cost_usage_months (
    org_id          varchar(24)  not null references organizations (id),
    group_by        text         not null,
    usage_date      date         not null,
    content_sha256  varchar(64)  not null,
    row_count       integer      not null,
    query_id        bigint       not null references cost_explorer_queries (id),
    replaced_at     timestamptz  not null,
    primary key (org_id, group_by, usage_date),
    constraint cost_usage_months_first_of_month check (extract(day from usage_date) = 1)
);

create table cost_usage (
    org_id          varchar(24)  not null,
    group_by        text         not null,
    usage_date      date         not null,
    position        integer      not null,
    dimension_id    text,
    dimension_name  text,
    invoice_id      text,
    service         text,
    usage_amount    numeric      not null,
    primary key (org_id, group_by, usage_date, position),
    foreign key (org_id, group_by, usage_date)
        references cost_usage_months (org_id, group_by, usage_date) on delete cascade
);
create index cost_usage_org_date_idx on cost_usage (org_id, usage_date);
