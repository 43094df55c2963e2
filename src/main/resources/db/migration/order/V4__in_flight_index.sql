-- Admission control counts the orders in flight several times a second: a small index of just those.
create index purchase_order_in_flight_idx on purchase_order (status)
    where status not in ('completed', 'failed', 'cancelled');
