-- Applied once into every module's own schema, like V1.
-- The message journal: every message this module sent, every delivery it handled (applied, duplicate, retried,
-- parked) and every operator action on its dead letters, written in the transaction that did the work. Partitioned
-- by day (UTC); JournalMaintenance creates the coming days' partitions and drops those past the retention. The
-- default partition only catches a row whose day has no partition yet (maintenance moves such rows out).
create table journal (
    id           bigint generated always as identity,
    at           timestamptz not null,
    module       text        not null,
    instance     text        not null,
    kind         text        not null
        constraint journal_kind_check
            check (kind in ('sent', 'applied', 'duplicate', 'retried', 'parked', 'redriven', 'discarded')),
    message_id   uuid        not null,
    causation_id uuid,
    type         text        not null,
    order_id     text,
    attempt      int,
    queue_ms     numeric(12, 3),
    handler_ms   numeric(12, 3),
    trace_id     text,
    detail       text
) partition by range (at);

-- one index, for the timeline's reads by order: every index is paid for on each of ~20 rows per order
create index journal_order_idx on journal (order_id, at);

create table journal_default partition of journal default;

do $$
declare
    day date;
begin
    for i in 0..2 loop
        day := (now() at time zone 'UTC')::date + i;
        execute format(
            'create table %I.%I partition of %I.journal for values from (%L) to (%L)',
            current_schema(), 'journal_p' || to_char(day, 'YYYYMMDD'), current_schema(),
            day::timestamp at time zone 'UTC', (day + 1)::timestamp at time zone 'UTC');
    end loop;
end
$$;
