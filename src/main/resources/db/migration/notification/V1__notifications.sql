create table notification (
    id         bigserial primary key,
    order_id   text        not null,
    recipient  text        not null,
    subject    text        not null,
    body       text        not null,
    created_at timestamptz not null default now()
);
create index notification_order_idx on notification (order_id);
