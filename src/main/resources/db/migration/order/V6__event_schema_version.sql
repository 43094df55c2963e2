-- The shape of an event's details, by version (see OrderHistory and EventUpcaster): events written before this
-- column are version 1 (their order_placed records {}), new events are written with the current version, 2 (their
-- order_placed carries what was placed: items, e-mail address, shipping address). The default stays 1, so an event
-- written by a process that does not know the column is read as the old shape it has.
alter table order_event add column schema_version int not null default 1 check (schema_version > 0);
