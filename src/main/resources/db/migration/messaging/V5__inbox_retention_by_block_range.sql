-- Applied once into every module's own schema, like V1.
-- Inbox rows arrive in received_at order, so a block-range index finds the expired ones for InboxRetention as well
-- as a B-tree did, at a fraction of the cost: a B-tree took an entry (and a WAL record) for every message received,
-- a BRIN index takes none until a range of pages fills and is summarized (autosummarize; VACUUM does it too).
drop index inbox_received_at_idx;
create index inbox_received_at_idx on inbox using brin (received_at) with (autosummarize = on);
