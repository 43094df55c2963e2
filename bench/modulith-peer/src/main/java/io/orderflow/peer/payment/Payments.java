package io.orderflow.peer.payment;

import io.orderflow.peer.events.Events.PaymentCompleted;
import io.orderflow.peer.events.Events.PaymentDeclined;
import io.orderflow.peer.events.Events.PaymentRefunded;
import io.orderflow.peer.events.Events.ShippingFailed;
import io.orderflow.peer.events.Events.StockReserved;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;

/**
 * The payment module: charges an order once its stock is reserved (the test card {@code tok_chargeDeclined} is
 * declined, as orderflow's simulated provider does) and refunds it when shipping fails.
 */
@Service
public class Payments {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Payments(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @ApplicationModuleListener
    void on(StockReserved order) {
        if ("tok_chargeDeclined".equals(order.cardToken())) {
            events.publishEvent(new PaymentDeclined(order.orderId(), "card_declined"));
            return;
        }
        String paymentId = "pay_" + UUID.randomUUID();
        int charged = jdbc.sql("insert into payment (order_id, payment_id, amount, status) values (?, ?, ?, 'charged') "
                        + "on conflict (order_id) do nothing")
                .params(order.orderId(), paymentId, order.total())
                .update();
        if (charged == 1) { // never twice: a second delivery finds the payment
            events.publishEvent(new PaymentCompleted(order.orderId(), paymentId, order.total(), order.country()));
        }
    }

    @ApplicationModuleListener
    void on(ShippingFailed event) {
        Optional<BigDecimal> refunded = jdbc.sql("update payment set status = 'refunded', refunded_at = now() "
                        + "where order_id = ? and status = 'charged' returning amount")
                .param(event.orderId())
                .query(BigDecimal.class)
                .optional();
        refunded.ifPresent(amount -> events.publishEvent(new PaymentRefunded(event.orderId(), amount)));
    }
}
