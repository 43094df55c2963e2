-- "order" is a reserved word; the aggregate's table is purchase_order.
create table purchase_order (
    id               text primary key,
    customer_email   text        not null,
    status           text        not null,
    items            jsonb       not null,
    priced_items     jsonb,
    total_amount     numeric(14, 2),
    currency         char(3),
    card_token       text,
    shipping_address jsonb,
    failure_reason   text,
    failure_detail   text,
    payment_id       text,
    tracking_number  text,
    version          int         not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);
create index purchase_order_status_idx on purchase_order (status, created_at desc);
create index purchase_order_customer_idx on purchase_order (lower(customer_email), created_at desc);
create index purchase_order_created_idx on purchase_order (created_at desc, id);

-- The order's history: gap-free sequence 1..n, written in the same transaction as the state it reports.
create table order_event (
    order_id    text        not null references purchase_order (id),
    sequence    int         not null check (sequence > 0),
    type        text        not null,
    status      text        not null,
    occurred_at timestamptz not null,
    details     jsonb       not null default '{}'::jsonb,
    primary key (order_id, sequence)
);

create table idempotency_key (
    key             text primary key,
    request_hash    text        not null,
    state           text        not null check (state in ('in_flight', 'completed')),
    response_status int,
    response_body   text,
    location        text,
    created_at      timestamptz not null default now()
);
