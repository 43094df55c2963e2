-- The history's foreign key to its order goes. Every history row is written by the statement that writes its order
-- (Orders: "from written w", so no row goes in without the order's), and no order is ever deleted; the key added
-- nothing to that, and cost every such statement a key-share lock on the order row it had just written (a WAL
-- record of its own) and one lookup per event. The invariant checker reports history of an unknown order.
alter table order_event drop constraint order_event_order_id_fkey;
