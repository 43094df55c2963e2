-- Applied once into every module's own schema (Flyway's default schema is that module's).
create table outbox (
    id              bigserial primary key,
    message_id      uuid        not null unique,
    type            text        not null,
    version         int         not null,
    order_id        text,
    causation_id    uuid,
    occurred_at     timestamptz not null,
    payload         jsonb       not null,
    headers         jsonb       not null default '{}'::jsonb,
    next_attempt_at timestamptz not null default now()
);

create table inbox (
    message_id  uuid primary key,
    type        text        not null,
    received_at timestamptz not null default now()
);

create table dead_letter (
    id              bigserial primary key,
    message_id      uuid        not null,
    type            text        not null,
    order_id        text,
    payload         text        not null,
    headers         jsonb       not null default '{}'::jsonb,
    error           text        not null,
    stack           text,
    attempts        int         not null,
    first_failed_at timestamptz not null,
    last_failed_at  timestamptz not null,
    parked_at       timestamptz not null default now()
);
create index dead_letter_type_idx on dead_letter (type, parked_at);
