create table stock (
    sku       text primary key,
    available int    not null check (available >= 0),
    reserved  int    not null default 0 check (reserved >= 0),
    shipped   int    not null default 0 check (shipped >= 0),
    version   bigint not null default 0
);

create table reservation (
    order_id   text primary key,
    status     text        not null check (status in ('reserved', 'rejected', 'released', 'shipped')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table reservation_line (
    order_id text not null references reservation (order_id),
    sku      text not null references stock (sku),
    quantity int  not null check (quantity > 0),
    primary key (order_id, sku)
);
