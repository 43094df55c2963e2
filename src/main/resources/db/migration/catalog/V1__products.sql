create table product (
    sku           text primary key,
    name          text           not null,
    description   text           not null default '',
    price         numeric(12, 2) not null check (price > 0),
    currency      char(3)        not null,
    -- read model of inventory's stock, fed by StockLevelsChanged events
    available     int            not null default 0,
    stock_version bigint         not null default 0
);
