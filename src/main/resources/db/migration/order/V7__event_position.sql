-- The order history as one stream, for projections that tail it (docs/architecture.md, "Analytics and replay").
-- position: a global order of insertion; tx: the writing transaction. A reader takes only rows whose transaction is
-- older than its snapshot's xmin (tx < pg_snapshot_xmin(pg_current_snapshot())), in (tx, position) order: every
-- transaction below xmin has ended, so no row can later appear behind what was read, even when transactions commit
-- out of order. Both are filled by the database; the saga's statements do not change.
alter table order_event add column position bigint;
alter table order_event add column tx xid8;
-- existing rows: numbered in the order they happened, all in this migration's transaction
with numbered as (
    select order_id, sequence, row_number() over (order by occurred_at, order_id, sequence) as n from order_event
)
update order_event e set position = numbered.n, tx = pg_current_xact_id()
    from numbered where e.order_id = numbered.order_id and e.sequence = numbered.sequence;
alter table order_event alter column position set not null;
alter table order_event alter column position add generated always as identity;
select setval(pg_get_serial_sequence('order_event', 'position'),
              (select coalesce(max(position), 0) + 1 from order_event), false);
alter table order_event alter column tx set default pg_current_xact_id();
alter table order_event alter column tx set not null;
create unique index order_event_stream_idx on order_event (tx, position);

-- How far each projection has read the stream; a projector holds this row's lock while it writes a batch.
create table projection_checkpoint (
    projection      text primary key,
    last_tx         xid8        not null default '0'::xid8,
    last_position   bigint      not null default 0,
    updated_at      timestamptz not null default now(),
    -- a replay in progress (one at a time per projection), and the last one's outcome
    replay_owner    text,
    replay_started_at timestamptz,
    last_replay     jsonb
);
insert into projection_checkpoint (projection) values ('analytics');

-- The analytics read model: one row per order, as its events tell it (a projection: rebuilt by replay).
create table analytics_order (
    order_id              text primary key,
    placed_at             timestamptz   not null,
    status                text          not null,
    finished_at           timestamptz,
    total_amount          numeric(14, 2),
    currency              char(3),
    charged_amount        numeric(14, 2),
    refunded_amount       numeric(14, 2),
    failure_reason        text,
    compensations         int           not null,
    -- time spent in each saga stage (the order's status while the step ran), milliseconds
    validating_ms         numeric(14, 3),
    inventory_check_ms    numeric(14, 3),
    payment_processing_ms numeric(14, 3),
    shipping_ms           numeric(14, 3),
    events                int           not null
);
create index analytics_order_placed_at_idx on analytics_order (placed_at);

-- One row per order line: what was ordered and what the line cost once priced.
create table analytics_order_line (
    order_id text          not null,
    line     int           not null,
    sku      text          not null,
    quantity int           not null,
    amount   numeric(14, 2),
    primary key (order_id, line)
);
create index analytics_order_line_sku_idx on analytics_order_line (sku);
