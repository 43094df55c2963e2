create table if not exists product (sku text primary key, name text not null, price numeric(12, 2) not null);
create table if not exists stock (sku text primary key, available int not null check (available >= 0));
create table if not exists orders (
    id text primary key,
    customer_email text not null,
    status text not null,
    total numeric(12, 2) not null,
    failure_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now());
create table if not exists order_line (
    order_id text not null references orders (id),
    sku text not null,
    quantity int not null,
    unit_price numeric(12, 2) not null,
    primary key (order_id, sku));
create table if not exists order_history (
    id bigserial primary key,
    order_id text not null,
    type text not null,
    status text not null,
    occurred_at timestamptz not null default now());
create index if not exists order_history_order on order_history (order_id);
create table if not exists reservation (
    order_id text not null,
    sku text not null,
    quantity int not null,
    released boolean not null default false,
    primary key (order_id, sku));
create table if not exists payment (
    order_id text primary key,
    payment_id text not null,
    amount numeric(12, 2) not null,
    status text not null,
    refunded_at timestamptz);
create table if not exists shipment (order_id text primary key, tracking_number text not null);
create table if not exists email (
    order_id text primary key,
    recipient text not null,
    kind text not null,
    created_at timestamptz not null default now());
-- the product orderflow's load generator adds to an order that must fail for lack of stock
insert into product (sku, name, price) values ('PROD-004', 'Monitor', 299.99) on conflict do nothing;
insert into stock (sku, available) values ('PROD-004', 0) on conflict do nothing;
