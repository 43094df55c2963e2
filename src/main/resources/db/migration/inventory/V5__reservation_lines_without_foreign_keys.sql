-- The reservation lines' foreign keys go. A line is written by the statement that writes its reservation and updates
-- its stock row, which the reservation has locked (Inventory.reserve: a SKU without a stock row is refused as short
-- before anything is written), and no reservation or stock row is ever deleted; the keys added nothing to that, and
-- cost each line two lookups and a key-share lock on the stock row the same statement had just updated (a WAL
-- record of its own). The invariant checker reports a line without its reservation or its stock row.
alter table reservation_line drop constraint reservation_line_order_id_fkey;
alter table reservation_line drop constraint reservation_line_sku_fkey;
