-- Applied once into every module's own schema, like V1.
-- Inbox rows arrive in received_at order, so a block-range index finds the expired ones for InboxRetention: a B-tree
-- took an entry (and a WAL record) for every message received, a BRIN index takes none until a range of pages fills
-- and is summarized (autosummarize; VACUUM does it too). Once vacuum lets new rows reuse the pages of purged ones,
-- a range holds old and new rows alike and the purge reads more pages than a B-tree would: a cost paid once per
-- retention check (hourly), not once per message.
drop index inbox_received_at_idx;
create index inbox_received_at_idx on inbox using brin (received_at) with (autosummarize = on);
