package io.orderflow.notification;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.DependencyUnavailableException;
import io.orderflow.messaging.MessageContext;
import io.orderflow.messaging.PoisonMessageException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Customer messages: each is kept (it can be read back, and the page's mailbox shows it), and, when an SMTP server is
 * configured, e-mailed after the transaction that kept it commits ({@link SendEmail}).
 */
class Notifications {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    /** A kept message; {@code emailStatus} is null when it was not to be e-mailed (no SMTP server configured). */
    record Notification(
            long id,
            @Nullable String orderId,
            @Nullable String kind,
            String recipient,
            String subject,
            String body,
            @Nullable String emailStatus,
            Instant createdAt,
            @Nullable Instant sentAt) {}

    private record Outgoing(
            String messageId, String recipient, String subject, String body, String htmlBody, String emailStatus) {}

    private final JdbcClient jdbc;
    private final EmailTemplates templates;
    private final @Nullable Mailer mailer;
    private final MeterRegistry meters;

    Notifications(JdbcClient jdbc, EmailTemplates templates, @Nullable Mailer mailer, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.templates = templates;
        this.mailer = mailer;
        this.meters = meters;
    }

    /**
     * Keeps the {@code kind} message for {@code recipient}, rendered from {@code model}; {@code orderId} is null for
     * one about no order (a welcome). With SMTP configured, a valid recipient is e-mailed after this commits; an
     * address that is not one plain mailbox is kept as undeliverable and never handed to the mail server.
     */
    void send(
            EmailTemplates.Kind kind,
            @Nullable String orderId,
            String recipient,
            Map<String, ?> model,
            MessageContext context) {
        EmailTemplates.Rendered rendered = templates.render(kind, model);
        String status = null;
        String messageId = null;
        if (mailer != null) {
            if (Mailer.isMailbox(recipient)) {
                status = "pending";
                messageId = "<" + UUID.randomUUID() + "@" + mailer.domain() + ">";
            } else {
                status = "undeliverable";
                meters.counter(Mailer.OUTCOMES, "outcome", "undeliverable").increment();
                log.warn(
                        "not e-mailing the {} notification of order {}: the recipient is not one valid mailbox",
                        kind,
                        orderId);
            }
        }
        long id = jdbc.sql("insert into notification.notification "
                        + "(order_id, kind, recipient, subject, body, html_body, message_id, email_status) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?) returning id")
                .params(
                        orderId,
                        kind.fileName(),
                        recipient,
                        rendered.subject(),
                        rendered.text(),
                        rendered.html(),
                        messageId,
                        status)
                .query(Long.class)
                .single();
        if ("pending".equals(status)) {
            context.send(new SendEmail(id));
        }
    }

    /**
     * E-mails notification {@code id} unless it has been sent: the row stays locked until the transaction that
     * records the send commits, so two deliveries of one {@link SendEmail} cannot both reach the mail server.
     */
    void deliver(long id) {
        Optional<Outgoing> found = jdbc.sql("select message_id, recipient, subject, body, html_body, email_status "
                        + "from notification.notification where id = ? for update")
                .param(id)
                .query(new DataClassRowMapper<>(Outgoing.class))
                .optional();
        if (found.isEmpty()) {
            throw new PoisonMessageException("SendEmail for notification " + id + ", which does not exist");
        }
        Outgoing email = found.get();
        if (!"pending".equals(email.emailStatus())) {
            meters.counter(Mailer.OUTCOMES, "outcome", "duplicate").increment();
            return;
        }
        if (mailer == null) {
            throw new DependencyUnavailableException("notification " + id
                    + " waits to be e-mailed, and no SMTP server is configured (spring.mail.host)");
        }
        mailer.send(new Mailer.Email(
                email.messageId(), email.recipient(), email.subject(), email.body(), email.htmlBody()));
        jdbc.sql("update notification.notification set email_status = 'sent', sent_at = now() where id = ?")
                .param(id)
                .update();
    }

    List<Notification> forOrder(String orderId) {
        return jdbc.sql("select id, order_id, kind, recipient, subject, body, email_status, created_at, sent_at "
                        + "from notification.notification where order_id = ? order by id")
                .param(orderId)
                .query(new DataClassRowMapper<>(Notification.class))
                .list();
    }

    /** The newest {@code limit} messages, newest first: the operators' mailbox. */
    List<Notification> recent(int limit) {
        return jdbc.sql("select id, order_id, kind, recipient, subject, body, email_status, created_at, sent_at "
                        + "from notification.notification order by id desc limit ?")
                .param(limit)
                .query(new DataClassRowMapper<>(Notification.class))
                .list();
    }
}
