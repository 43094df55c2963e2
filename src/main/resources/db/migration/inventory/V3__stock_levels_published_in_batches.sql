-- The stock levels are announced to the catalog in batches (StockLevelsPublisher), no longer one message per
-- reservation: a row whose version is above published_version has a level the catalog has not been sent yet.
-- Every level up to now was sent with its change. No index on it: an index that names version would turn every
-- reservation's update of the row into a non-HOT one; the publisher's scan of the table runs when stock changed
-- (once per linger) and on its sweep.
alter table stock add column published_version bigint not null default 0;
update stock set published_version = version;
