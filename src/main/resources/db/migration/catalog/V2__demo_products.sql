-- Demo catalog (see README): PROD-004 has no stock, so ordering it shows an inventory failure.
insert into product (sku, name, description, price, currency, available) values
    ('PROD-001', 'Laptop',   '14-inch ultrabook',        999.99, 'USD', 1000000),
    ('PROD-002', 'Mouse',    'Wireless optical mouse',    29.99, 'USD', 1000000),
    ('PROD-003', 'Keyboard', 'Mechanical keyboard',       79.99, 'USD', 1000000),
    ('PROD-004', 'Monitor',  '27-inch 4K monitor',       299.99, 'USD', 0);
