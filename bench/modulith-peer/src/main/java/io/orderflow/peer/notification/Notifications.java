package io.orderflow.peer.notification;

import io.orderflow.peer.events.Events.OrderCompleted;
import io.orderflow.peer.events.Events.OrderFailed;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;

/** The notification module: the customer's message for a finished order, stored for a mailer to send. */
@Service
public class Notifications {

    private final JdbcClient jdbc;

    Notifications(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @ApplicationModuleListener
    void on(OrderCompleted event) {
        store(event.orderId(), event.email(), "order_completed");
    }

    @ApplicationModuleListener
    void on(OrderFailed event) {
        store(event.orderId(), event.email(), "order_failed: " + event.reason());
    }

    private void store(String orderId, String email, String kind) {
        jdbc.sql("insert into email (order_id, recipient, kind) values (?, ?, ?) on conflict (order_id) do nothing")
                .params(orderId, email, kind)
                .update();
    }
}
