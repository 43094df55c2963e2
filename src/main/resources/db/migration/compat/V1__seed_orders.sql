-- The orders the seeds' clients placed (POST /orders, docs/compatibility.md): in whose words each was placed, so
-- GET /orders/{id} answers in them, and the id the client knows it by.
create table seed_order (
    -- the client's name for it: orderflow's order id (seeds 001, 003), or the order_id the client chose (004)
    public_id   text        primary key,
    -- orderflow's order; null only inside the transaction that claims a client's order_id and places the order
    order_id    text        unique,
    seed        text        not null check (seed in ('001', '003', '004')),
    -- the request without personal data: the ids the answers repeat, the client's prices (never charged)
    said        jsonb       not null,
    -- SHA-256 of said: the same request sent again under a client's order_id gets the first answer, another a 409
    fingerprint text        not null,
    -- the first answer, as sent (json keeps the text as it was)
    answer      json,
    created_at  timestamptz not null default now()
);
