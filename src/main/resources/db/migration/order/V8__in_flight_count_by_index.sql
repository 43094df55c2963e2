-- Admission control counts the orders in flight four times a second in every order process (Orders.inFlight). Each
-- status change leaves a dead entry in purchase_order_in_flight_idx until the table is vacuumed, and autovacuum comes
-- only when a fifth of the whole table is dead. A plain index scan marks the dead entries it meets, so the next count
-- skips them and costs what the orders in flight cost; a bitmap or sequential scan, which the planner takes while the
-- table's statistics are missing or old, visits every dead entry again at every count: 25 ms a count at 18,000
-- orders in the distributed benchmark (docs/benchmarks.md, 2026-12-04), against 0.1 ms by the index.
create function in_flight_orders() returns bigint
    language sql
    stable
    set enable_seqscan = off
    set enable_bitmapscan = off
as $$
    select count(*) from orders.purchase_order where status not in ('completed', 'failed', 'cancelled')
$$;
