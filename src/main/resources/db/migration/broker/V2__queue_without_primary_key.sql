-- The queue keeps one index, the one its consumers read it by (queue, id), and loses its primary key: a consumer
-- deletes the row it claimed by its ctid (the claim holds the row's lock, so the ctid cannot move), and the other
-- statements on one row name its queue as well as its id. Every message was an entry in both indexes, and every
-- order sends nine or ten; ids still come from the sequence, one per row.
--
-- An instance of an earlier version still running beside this one during an upgrade keeps working: its statements by
-- id alone read the table instead of the index until it is replaced.
alter table message drop constraint message_pkey;
