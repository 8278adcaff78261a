-- Spend (DESIGN §5.1, §8): a spend query reads the line items of the invoices of the orgs asked for
-- (invoices_org_start_idx finds those invoices), and of each invoice only the lines whose usage date (start_date)
-- falls in the range asked for. Without this index every line of every such invoice would be read and filtered.
create index line_items_invoice_usage_idx on line_items (invoice_id, start_date);
