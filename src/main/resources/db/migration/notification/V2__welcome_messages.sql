-- Welcome messages (CustomerRegistered) belong to no order.
alter table notification alter column order_id drop not null;
