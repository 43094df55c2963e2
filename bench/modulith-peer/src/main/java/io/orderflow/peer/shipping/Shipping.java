package io.orderflow.peer.shipping;

import io.orderflow.peer.events.Events.OrderShipped;
import io.orderflow.peer.events.Events.PaymentCompleted;
import io.orderflow.peer.events.Events.ShippingFailed;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;

/** The shipping module: books a shipment once the order is paid; the carrier serves no country called ZZ. */
@Service
public class Shipping {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Shipping(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @ApplicationModuleListener
    void on(PaymentCompleted order) {
        if ("ZZ".equals(order.country())) {
            events.publishEvent(new ShippingFailed(order.orderId(), "country_not_served"));
            return;
        }
        String tracking = "TRK"
                + Long.toUnsignedString(order.orderId().hashCode() * 2654435761L, 36)
                        .toUpperCase();
        int booked = jdbc.sql("insert into shipment (order_id, tracking_number) values (?, ?) "
                        + "on conflict (order_id) do nothing")
                .params(order.orderId(), tracking)
                .update();
        if (booked == 1) {
            events.publishEvent(new OrderShipped(order.orderId(), tracking));
        }
    }
}
