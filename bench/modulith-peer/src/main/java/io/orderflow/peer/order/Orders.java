package io.orderflow.peer.order;

import io.orderflow.peer.events.Events.Line;
import io.orderflow.peer.events.Events.OrderCompleted;
import io.orderflow.peer.events.Events.OrderFailed;
import io.orderflow.peer.events.Events.OrderPlaced;
import io.orderflow.peer.events.Events.OrderShipped;
import io.orderflow.peer.events.Events.PaymentCompleted;
import io.orderflow.peer.events.Events.PaymentDeclined;
import io.orderflow.peer.events.Events.PaymentRefunded;
import io.orderflow.peer.events.Events.StockRejected;
import io.orderflow.peer.events.Events.StockReserved;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The order module: places an order (priced from its product table) and publishes {@link OrderPlaced} in the same
 * transaction, then follows the other modules' events to move the order's status and append to its history.
 */
@Service
public class Orders {

    record Placed(String id, String status, boolean created) {}

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Orders(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @Transactional
    Placed place(OrderController.PlaceOrder request) {
        if (request.items() == null || request.items().isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one item");
        }
        if (request.customerEmail() == null || !request.customerEmail().contains("@")) {
            throw new IllegalArgumentException("customer_email must be an e-mail address");
        }
        if (request.payment() == null || request.payment().cardToken() == null) {
            throw new IllegalArgumentException("payment.card_token is required");
        }
        Map<String, Integer> quantities = new HashMap<>();
        for (OrderController.Item item : request.items()) {
            if (item.sku() == null || item.quantity() < 1 || item.quantity() > 100) {
                throw new IllegalArgumentException("every item needs a sku and a quantity of 1 to 100");
            }
            quantities.merge(item.sku(), item.quantity(), Integer::sum);
        }
        Map<String, BigDecimal> prices = new HashMap<>();
        jdbc.sql("select sku, price from product where sku = any(?)")
                .param(quantities.keySet().toArray(String[]::new))
                .query(rs -> {
                    prices.put(rs.getString(1), rs.getBigDecimal(2));
                });
        List<String> unknown = quantities.keySet().stream()
                .filter(sku -> !prices.containsKey(sku))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown SKU(s): " + String.join(", ", unknown));
        }
        String id = request.orderId() == null ? UUID.randomUUID().toString() : request.orderId();
        List<Line> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Map.Entry<String, Integer> e : quantities.entrySet()) {
            BigDecimal price = prices.get(e.getKey());
            lines.add(new Line(e.getKey(), e.getValue(), price));
            total = total.add(price.multiply(BigDecimal.valueOf(e.getValue())));
        }
        String country =
                request.shippingAddress() == null || request.shippingAddress().country() == null
                        ? "US"
                        : request.shippingAddress().country();
        int inserted = jdbc.sql("insert into orders (id, customer_email, status, total) values (?, ?, ?, ?) "
                        + "on conflict (id) do nothing")
                .params(id, request.customerEmail(), "inventory_check", total)
                .update();
        if (inserted == 0) { // the same id again: the order that exists, not a second one
            return new Placed(id, status(id).orElseThrow(), false);
        }
        for (Line line : lines) {
            jdbc.sql("insert into order_line (order_id, sku, quantity, unit_price) values (?, ?, ?, ?)")
                    .params(id, line.sku(), line.quantity(), line.unitPrice())
                    .update();
        }
        history(id, "order_placed", "inventory_check");
        events.publishEvent(new OrderPlaced(
                id, request.customerEmail(), lines, total, request.payment().cardToken(), country));
        return new Placed(id, "inventory_check", true);
    }

    Optional<String> status(String id) {
        return jdbc.sql("select status from orders where id = ?")
                .param(id)
                .query(String.class)
                .optional();
    }

    @ApplicationModuleListener
    void on(StockReserved event) {
        move(event.orderId(), "payment_processing", "stock_reserved", "inventory_check");
    }

    @ApplicationModuleListener
    void on(StockRejected event) {
        fail(event.orderId(), "out_of_stock");
    }

    @ApplicationModuleListener
    void on(PaymentCompleted event) {
        // the reservation's event may be applied after this one: both listeners run at once on the executor
        move(event.orderId(), "shipping", "payment_completed", "inventory_check", "payment_processing");
    }

    @ApplicationModuleListener
    void on(PaymentDeclined event) {
        fail(event.orderId(), "payment_declined");
    }

    @ApplicationModuleListener
    void on(OrderShipped event) {
        if (end(event.orderId(), "completed", "order_shipped", null)) {
            events.publishEvent(new OrderCompleted(event.orderId(), email(event.orderId())));
        }
    }

    @ApplicationModuleListener
    void on(PaymentRefunded event) {
        fail(event.orderId(), "shipping_failed");
    }

    /** Moves the order forward to {@code to} if it is still at one of {@code from}; the step goes in its history. */
    private void move(String id, String to, String step, String... from) {
        jdbc.sql("update orders set status = ?, updated_at = now() where id = ? and status = any(?)")
                .params(to, id, from)
                .update();
        history(id, step, to);
    }

    private void fail(String id, String reason) {
        if (end(id, "failed", reason, reason)) {
            events.publishEvent(new OrderFailed(id, email(id), reason));
        }
    }

    /** Ends the order with {@code status} unless it has ended already; true if this call ended it. */
    private boolean end(String id, String status, String step, String failureReason) {
        int updated = jdbc.sql("update orders set status = ?, failure_reason = ?, updated_at = now() "
                        + "where id = ? and status not in ('completed', 'failed')")
                .params(status, failureReason, id)
                .update();
        if (updated == 1) {
            history(id, step, status);
        }
        return updated == 1;
    }

    private String email(String id) {
        return jdbc.sql("select customer_email from orders where id = ?")
                .param(id)
                .query(String.class)
                .single();
    }

    private void history(String id, String type, String status) {
        jdbc.sql("insert into order_history (order_id, type, status) values (?, ?, ?)")
                .params(id, type, status)
                .update();
    }
}
