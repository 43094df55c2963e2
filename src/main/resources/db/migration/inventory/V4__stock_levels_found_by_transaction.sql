-- The stock-levels publisher no longer marks every row it sends (ADR 0023, revised): a row remembers the transaction
-- that last changed its level (changed_tx), and one cursor says below which transaction every level has been sent.
-- A batch reads the rows changed at or after the cursor by transactions that have all finished, sends them and moves
-- the cursor: one row written per batch instead of a lock and an update of every row in it.
--
-- changed_tx is set by every statement that changes a row's version (Inventory), and is not indexed (an index that
-- names it would make every reservation's update of the row a non-HOT one). Not by a trigger: a BEFORE UPDATE row
-- trigger makes PostgreSQL lock each row before updating it, one more WAL record per row. published_version is no
-- longer written or read; it stays for an earlier version's instances that may still run beside this one (their
-- publisher keeps sending what they change, and the catalog keeps the newest version of each SKU).
alter table stock add column changed_tx xid8 not null default '0'::xid8;

create table stock_levels_cursor (
    only_row   boolean primary key default true check (only_row),
    sent_below xid8    not null
);

-- the levels an earlier version had not sent yet go with the first batch
update stock set changed_tx = pg_current_xact_id() where version > published_version;
insert into stock_levels_cursor (sent_below) values (pg_current_xact_id());
