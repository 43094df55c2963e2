-- E-mail delivery (when an SMTP server is configured): the HTML alternative of the body, the stable Message-ID a
-- retried send reuses, and where delivery stands. email_status is null for a message that is only kept (no SMTP
-- configured), 'pending' until the SMTP server accepts it, then 'sent'; 'undeliverable' for a recipient address
-- that is not a single valid mailbox.
alter table notification add column kind         text;
alter table notification add column html_body    text;
alter table notification add column message_id   text;
alter table notification add column email_status text
    check (email_status in ('pending', 'sent', 'undeliverable'));
alter table notification add column sent_at      timestamptz;
