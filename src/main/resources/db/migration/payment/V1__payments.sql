create table payment (
    order_id        text primary key,
    payment_id      text,
    amount          numeric(14, 2) not null check (amount >= 0),
    refunded_amount numeric(14, 2) not null default 0,
    currency        char(3)        not null,
    card_token      text,
    status          text           not null check (status in ('charged', 'declined', 'refunded', 'voided')),
    decline_reason  text,
    charged_at      timestamptz,
    refunded_at     timestamptz,
    created_at      timestamptz    not null default now()
);
