-- A paying org's invoice nests its linked orgs' invoices, line items included. They were kept whole as one JSON
-- document each (linked_invoices.raw), which the sync had to hold in memory and the API returned as it was. Now each
-- is stored as what it is, an invoice of its own org (same id, rows in invoices, line_items, line_item_tags, payments
-- and refunds), and linked_invoices only says where it stands in the paying org's invoice.
--
-- The documents already stored move into those tables here, field by field as the sync stores them. An invoice its
-- own org already has stored keeps that copy. A moved invoice gets a content hash no SHA-256 gives, so the next copy
-- Atlas serves replaces it (the moved data is exact, but keys come in jsonb's order, not upstream's).

insert into organizations (id)
select distinct l.raw ->> 'orgId'
from linked_invoices l
where l.raw ->> 'id' ~ '^[a-f0-9]{24}$'
  and l.raw ->> 'orgId' ~ '^[a-f0-9]{24}$'
  and not exists (select 1 from organizations o where o.id = l.raw ->> 'orgId');

create temporary table moved_linked_invoices on commit drop as
select distinct on (l.raw ->> 'id') l.raw ->> 'id' as id, l.raw as doc
from linked_invoices l
where l.raw ->> 'id' ~ '^[a-f0-9]{24}$'
  and l.raw ->> 'orgId' ~ '^[a-f0-9]{24}$'
  and not exists (select 1 from invoices i where i.id = l.raw ->> 'id')
order by l.raw ->> 'id', (l.raw ->> 'updated')::timestamptz desc nulls last;

insert into invoices (id, org_id, status_name, start_date, end_date, created, updated, amount_billed_cents,
                      amount_paid_cents, credits_cents, sales_tax_cents, starting_balance_cents, subtotal_cents,
                      is_pending, line_item_count, content_sha256, raw, first_stored_at, content_changed_at)
select m.id,
       m.doc ->> 'orgId',
       m.doc ->> 'statusName',
       (m.doc ->> 'startDate')::timestamptz,
       (m.doc ->> 'endDate')::timestamptz,
       (m.doc ->> 'created')::timestamptz,
       (m.doc ->> 'updated')::timestamptz,
       (m.doc ->> 'amountBilledCents')::bigint,
       (m.doc ->> 'amountPaidCents')::bigint,
       (m.doc ->> 'creditsCents')::bigint,
       (m.doc ->> 'salesTaxCents')::bigint,
       (m.doc ->> 'startingBalanceCents')::bigint,
       (m.doc ->> 'subtotalCents')::bigint,
       false,
       case when jsonb_typeof(m.doc -> 'lineItems') = 'array' then jsonb_array_length(m.doc -> 'lineItems') else 0 end,
       'moved-from-linked-invoices',
       m.doc - 'lineItems' - 'linkedInvoices',
       now(),
       now()
from moved_linked_invoices m;

insert into line_items (invoice_id, position, cluster_name, created, start_date, end_date, group_id, group_name, sku,
                        unit, quantity, unit_price_dollars, total_price_cents, discount_cents, percent_discount,
                        tier_lower_bound, tier_upper_bound, note, stitch_app_name, cloud_provider, has_tags)
select m.id,
       item.position - 1,
       item.line ->> 'clusterName',
       (item.line ->> 'created')::timestamptz,
       (item.line ->> 'startDate')::timestamptz,
       (item.line ->> 'endDate')::timestamptz,
       item.line ->> 'groupId',
       item.line ->> 'groupName',
       item.line ->> 'sku',
       item.line ->> 'unit',
       (item.line ->> 'quantity')::numeric,
       (item.line ->> 'unitPriceDollars')::numeric,
       (item.line ->> 'totalPriceCents')::bigint,
       (item.line ->> 'discountCents')::bigint,
       (item.line ->> 'percentDiscount')::numeric,
       (item.line ->> 'tierLowerBound')::numeric,
       (item.line ->> 'tierUpperBound')::numeric,
       item.line ->> 'note',
       item.line ->> 'stitchAppName',
       item.line ->> 'cloudProvider',
       coalesce(jsonb_typeof(item.line -> 'tags') = 'object', false)
from moved_linked_invoices m,
     jsonb_array_elements(case when jsonb_typeof(m.doc -> 'lineItems') = 'array' then m.doc -> 'lineItems'
                               else '[]'::jsonb end) with ordinality as item (line, position);

-- One row per tag value; a key whose array is empty keeps one row with no value, as the sync stores it.
insert into line_item_tags (invoice_id, line_position, key_position, value_position, key, value)
select m.id, item.position - 1, tag.position - 1, coalesce(val.position, 1) - 1, tag.key, val.value
from moved_linked_invoices m,
     jsonb_array_elements(case when jsonb_typeof(m.doc -> 'lineItems') = 'array' then m.doc -> 'lineItems'
                               else '[]'::jsonb end) with ordinality as item (line, position),
     jsonb_each(case when jsonb_typeof(item.line -> 'tags') = 'object' then item.line -> 'tags'
                     else '{}'::jsonb end) with ordinality as tag (key, vals, position)
     left join lateral jsonb_array_elements_text(case when jsonb_typeof(tag.vals) = 'array' then tag.vals
                                                      else '[]'::jsonb end) with ordinality as val (value, position)
         on true;

insert into payments (invoice_id, position, id, status_name, created, updated, currency, amount_billed_cents,
                      amount_paid_cents, sales_tax_cents, subtotal_cents, unit_price)
select m.id,
       p.position - 1,
       p.payment ->> 'id',
       p.payment ->> 'statusName',
       (p.payment ->> 'created')::timestamptz,
       (p.payment ->> 'updated')::timestamptz,
       p.payment ->> 'currency',
       (p.payment ->> 'amountBilledCents')::bigint,
       (p.payment ->> 'amountPaidCents')::bigint,
       (p.payment ->> 'salesTaxCents')::bigint,
       (p.payment ->> 'subtotalCents')::bigint,
       p.payment ->> 'unitPrice'
from moved_linked_invoices m,
     jsonb_array_elements(case when jsonb_typeof(m.doc -> 'payments') = 'array' then m.doc -> 'payments'
                               else '[]'::jsonb end) with ordinality as p (payment, position);

insert into refunds (invoice_id, position, amount_cents, created, payment_id, reason)
select m.id,
       r.position - 1,
       (r.refund ->> 'amountCents')::bigint,
       (r.refund ->> 'created')::timestamptz,
       r.refund ->> 'paymentId',
       r.refund ->> 'reason'
from moved_linked_invoices m,
     jsonb_array_elements(case when jsonb_typeof(m.doc -> 'refunds') = 'array' then m.doc -> 'refunds'
                               else '[]'::jsonb end) with ordinality as r (refund, position);

-- A nested document without a valid id or org is no invoice Atlas serves; it has nothing to point at.
delete from linked_invoices l where not exists (select 1 from invoices i where i.id = l.linked_invoice_id);

alter table linked_invoices
    drop column org_id,
    drop column status_name,
    drop column start_date,
    drop column end_date,
    drop column created,
    drop column updated,
    drop column amount_billed_cents,
    drop column amount_paid_cents,
    drop column credits_cents,
    drop column sales_tax_cents,
    drop column starting_balance_cents,
    drop column subtotal_cents,
    drop column raw,
    alter column linked_invoice_id set not null,
    alter column linked_invoice_id type varchar(24),
    add constraint linked_invoices_linked_invoice_fk foreign key (linked_invoice_id) references invoices (id);
create index linked_invoices_linked_idx on linked_invoices (linked_invoice_id);
