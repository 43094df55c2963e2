package io.orderflow.notification;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Customer messages, kept so they can be read back (the outbox of a mail gateway). */
@Component
class Notifications {

    record Notification(long id, String orderId, String recipient, String subject, String body, Instant createdAt) {}

    private final JdbcClient jdbc;

    Notifications(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps a message for {@code recipient}; {@code orderId} is null for one about no order (a welcome). */
    void send(@Nullable String orderId, String recipient, String subject, String body) {
        jdbc.sql("insert into notification.notification (order_id, recipient, subject, body) values (?, ?, ?, ?)")
                .params(orderId, recipient, subject, body)
                .update();
    }

    List<Notification> forOrder(String orderId) {
        return jdbc.sql("select id, order_id, recipient, subject, body, created_at from notification.notification "
                        + "where order_id = ? order by id")
                .param(orderId)
                .query(new DataClassRowMapper<>(Notification.class))
                .list();
    }
}
