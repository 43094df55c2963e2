-- Demo stock (see README): plenty for load tests, none of PROD-004.
insert into stock (sku, available) values
    ('PROD-001', 1000000),
    ('PROD-002', 1000000),
    ('PROD-003', 1000000),
    ('PROD-004', 0);
