-- Every statement finds a message by its queue and id, so the index on (queue, id) is the only one a message needs:
-- the primary key on id alone cost a second index entry (and its WAL record) for every message sent.
alter table message drop constraint message_pkey;
drop index message_ready_idx;
alter table message add constraint message_pkey primary key (queue, id);
