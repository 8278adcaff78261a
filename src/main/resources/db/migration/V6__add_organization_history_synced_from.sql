-- How far back an org's closed invoices are known to be in sync: the first day of the oldest month of the history
-- window whose invoice list was last reconciled without a failure (null until the first complete reconciliation).
alter table organizations add column history_synced_from date;
