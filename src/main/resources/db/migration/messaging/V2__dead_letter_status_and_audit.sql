-- Applied once into every module's own schema, like V1.
-- A dead letter is never deleted: re-driving or discarding it changes its status, and every operator action
-- is recorded in dead_letter_action (who, when, what, why), so the history of a message stays inspectable.
alter table dead_letter
    add column status            text        not null default 'parked'
        constraint dead_letter_status_check check (status in ('parked', 'redriven', 'discarded')),
    add column status_changed_at timestamptz,
    -- the rest of the envelope (null for rows parked before this migration), so a re-drive is faithful
    add column version           int,
    add column causation_id      uuid,
    add column occurred_at       timestamptz;

create index dead_letter_status_idx on dead_letter (status, parked_at);
create index dead_letter_order_idx on dead_letter (order_id);
create index dead_letter_message_idx on dead_letter (message_id);

create table dead_letter_action (
    id             bigserial primary key,
    dead_letter_id bigint      not null references dead_letter (id),
    action         text        not null constraint dead_letter_action_check check (action in ('redrive', 'discard')),
    operator       text        not null,
    reason         text,
    -- groups the actions of one bulk re-drive
    bulk_id        uuid,
    -- clock time, not transaction start: the spacing of a rate-limited bulk re-drive is visible here
    at             timestamptz not null default clock_timestamp()
);
create index dead_letter_action_letter_idx on dead_letter_action (dead_letter_id, at);
create index dead_letter_action_bulk_idx on dead_letter_action (bulk_id) where bulk_id is not null;
