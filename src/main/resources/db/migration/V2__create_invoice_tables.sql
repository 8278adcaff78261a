-- Atlas invoices, normalized. Every Atlas column is nullable: a field absent upstream stays absent (null) here.
-- Bookkeeping of "last seen" belongs to organizations and sync_runs, never to these rows, so an unchanged invoice
-- is never rewritten.
create table invoices (
    id                      varchar(24)  primary key,
    org_id                  varchar(24)  not null references organizations (id),
    status_name             text,
    start_date              timestamptz,
    end_date                timestamptz,
    created                 timestamptz,
    updated                 timestamptz,
    amount_billed_cents     bigint,
    amount_paid_cents       bigint,
    credits_cents           bigint,
    sales_tax_cents         bigint,
    starting_balance_cents  bigint,
    subtotal_cents          bigint,
    is_pending              boolean      not null default false,
    line_item_count         integer      not null,
    -- SHA-256 over the invoice's upstream content (line items included): equal hash, nothing to write.
    content_sha256          varchar(64)  not null,
    -- The upstream invoice without its lineItems array, for audit and replay.
    raw                     jsonb        not null,
    first_stored_at         timestamptz  not null,
    content_changed_at      timestamptz  not null,
    constraint invoices_id_format check (id ~ '^[a-f0-9]{24}$')
);
create index invoices_org_start_idx on invoices (org_id, start_date);
create unique index invoices_one_pending_per_org on invoices (org_id) where is_pending;

-- Line items have no id upstream: their natural key is the position in the invoice, and they are replaced as a set
-- whenever the invoice's content changes.
create table line_items (
    invoice_id          varchar(24)  not null references invoices (id) on delete cascade,
    position            integer      not null,
    cluster_name        text,
    created             timestamptz,
    start_date          timestamptz,
    end_date            timestamptz,
    group_id            text,
    group_name          text,
    sku                 text,
    unit                text,
    quantity            numeric,
    unit_price_dollars  numeric,
    total_price_cents   bigint,
    discount_cents      bigint,
    percent_discount    numeric,
    tier_lower_bound    numeric,
    tier_upper_bound    numeric,
    note                text,
    stitch_app_name     text,
    cloud_provider      text,
    has_tags            boolean      not null default false,
    primary key (invoice_id, position)
);
create index line_items_group_idx on line_items (invoice_id, group_id);
create index line_items_sku_idx on line_items (invoice_id, sku);

-- Atlas tags are a map of key -> array of strings; one row per value, in upstream order. Tags are written and
-- deleted with their invoice's line items as one set, so they reference the invoice (one cheap delete per invoice)
-- rather than each line item.
create table line_item_tags (
    invoice_id          varchar(24)  not null references invoices (id) on delete cascade,
    line_position       integer      not null,
    key_position        integer      not null,
    value_position      integer      not null,
    key                 text         not null,
    value               text,
    primary key (invoice_id, line_position, key_position, value_position)
);

create table payments (
    invoice_id           varchar(24)  not null references invoices (id) on delete cascade,
    position             integer      not null,
    id                   text,
    status_name          text,
    created              timestamptz,
    updated              timestamptz,
    currency             text,
    amount_billed_cents  bigint,
    amount_paid_cents    bigint,
    sales_tax_cents      bigint,
    subtotal_cents       bigint,
    -- A decimal string upstream; kept as text so every digit and the exact form survive.
    unit_price           text,
    primary key (invoice_id, position)
);

create table refunds (
    invoice_id    varchar(24)  not null references invoices (id) on delete cascade,
    position      integer      not null,
    amount_cents  bigint,
    created       timestamptz,
    payment_id    text,
    reason        text,
    primary key (invoice_id, position)
);

-- Invoices of organizations linked to the paying organization, as they appear inside its invoice. Their header
-- fields are columns; the whole upstream object (with any nested line items) is kept in raw.
create table linked_invoices (
    invoice_id              varchar(24)  not null references invoices (id) on delete cascade,
    position                integer      not null,
    linked_invoice_id       text,
    org_id                  text,
    status_name             text,
    start_date              timestamptz,
    end_date                timestamptz,
    created                 timestamptz,
    updated                 timestamptz,
    amount_billed_cents     bigint,
    amount_paid_cents       bigint,
    credits_cents           bigint,
    sales_tax_cents         bigint,
    starting_balance_cents  bigint,
    subtotal_cents          bigint,
    raw                     jsonb        not null,
    primary key (invoice_id, position)
);
