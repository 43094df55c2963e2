-- The order module's gauges (OrderMetrics) counted every order by status at every sample, every 5 s: a sequential
-- scan of the whole table, 28 ms a sample at 10,000 orders in the comparison of 2026-12-05 and growing with the
-- table. The unfinished orders, whose counts and ages the gauges need at every sample, are read through their
-- partial index instead (purchase_order_in_flight_idx; a plain index scan, as in_flight_orders() in V8 explains),
-- so a sample costs what the orders in flight cost. The finished ones are counted less often (OrderMetrics).
create function in_flight_by_status()
    returns table (order_status text, orders bigint, oldest_age_seconds double precision)
    language sql
    stable
    set enable_seqscan = off
    set enable_bitmapscan = off
as $$
    select status, count(*), extract(epoch from now() - min(updated_at))::float8
    from orders.purchase_order
    where status not in ('completed', 'failed', 'cancelled')
    group by status
$$;
