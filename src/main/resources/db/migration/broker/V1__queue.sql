-- The embedded mode's message broker: durable queues in PostgreSQL with topic-style bindings.
create table binding (
    queue       text not null,
    routing_key text not null,
    primary key (queue, routing_key)
);

create table message (
    id              bigserial primary key,
    queue           text        not null,
    message_id      uuid        not null,
    type            text        not null,
    version         int         not null,
    order_id        text,
    causation_id    uuid,
    occurred_at     timestamptz not null,
    payload         jsonb       not null,
    headers         jsonb       not null default '{}'::jsonb,
    attempts        int         not null default 0,
    available_at    timestamptz not null default now(),
    first_failed_at timestamptz,
    last_error      text
);
create index message_ready_idx on message (queue, id);
