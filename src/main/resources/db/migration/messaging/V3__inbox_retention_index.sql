-- Inbox retention (InboxRetention) forgets message ids by age, in batches.
create index inbox_received_at_idx on inbox (received_at);
