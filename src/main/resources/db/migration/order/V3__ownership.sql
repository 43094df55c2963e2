-- Who may see an order. A customer's order: that customer (and operators). A guest order: whoever holds its
-- order token (kept as a SHA-256 hash), or its id when the server chose it (an unguessable UUID); an id the
-- client chose gives nobody access on its own.
alter table purchase_order add column customer_id text;
alter table purchase_order add column order_token_hash text;
alter table purchase_order add column id_chosen_by_client boolean not null default false;
-- orders from before: an id that is not a UUID was chosen by the client
update purchase_order set id_chosen_by_client = true
    where id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
create index purchase_order_customer_id_idx on purchase_order (customer_id, created_at desc)
    where customer_id is not null;
