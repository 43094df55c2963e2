create table shipment (
    order_id        text primary key,
    tracking_number text unique,
    carrier         text,
    status          text        not null check (status in ('created', 'failed')),
    failure_reason  text,
    country         text,
    address         jsonb,
    created_at      timestamptz not null default now()
);
