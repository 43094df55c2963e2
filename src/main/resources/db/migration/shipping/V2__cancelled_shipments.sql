alter table shipment drop constraint shipment_status_check;
alter table shipment add constraint shipment_status_check check (status in ('created', 'failed', 'cancelled'));
