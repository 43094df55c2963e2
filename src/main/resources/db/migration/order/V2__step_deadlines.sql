-- Saga deadlines live with the order, so they survive restarts: when the current step started, how many
-- times its command was sent, and when the order next needs attention.
alter table purchase_order add column step_started_at timestamptz;
alter table purchase_order add column step_attempts int not null default 1;
alter table purchase_order add column next_deadline_at timestamptz;
update purchase_order set step_started_at = updated_at;
create index purchase_order_deadline_idx on purchase_order (next_deadline_at) where next_deadline_at is not null;
