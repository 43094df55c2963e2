package io.orderflow.order;

import io.orderflow.shipping.ShippingAddress;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The order as its history tells it: a pure fold of its events ({@code orders.order_event}, read in the current
 * schema, see {@link EventUpcaster}) into the state the API shows. The history of an order is enough to rebuild it
 * at every sequence; time travel ({@code GET /api/orders/{id}?at_sequence=N} or {@code ?as_of=}) folds the events
 * up to that point, never the current row.
 *
 * <p>What each event contributes (schema version {@value #SCHEMA_VERSION}):
 *
 * <ul>
 *   <li>every event: the status the order had once the decision that recorded it was taken (its {@code status}),
 *       the version (its sequence) and the time of the last change (its {@code occurred_at});
 *   <li>{@code order_placed}: what was placed: items (sku, quantity, the unit price the customer saw), e-mail and
 *       shipping address; its time is the order's creation time;
 *   <li>{@code order_validated}: the catalog's prices (items with names and line totals, total, currency);
 *   <li>{@code payment_charged}: the payment id; {@code shipment_created}: the tracking number;
 *   <li>{@code order_failed}: the failure reason and detail.
 * </ul>
 *
 * A participant's reply counts only while the order was still running before it: a late reply to an order that had
 * already ended is recorded but changes nothing, as in the saga ({@link Saga}).
 */
final class OrderHistory {

    /** The shape new events are written in. Version 1: {@code order_placed} recorded nothing ({@code {}}). */
    static final int SCHEMA_VERSION = 2;

    static final String ORDER_PLACED = "order_placed";

    /** What {@code order_placed} records from version 2 on: what was placed. The card token is never recorded. */
    record Placed(
            @Nullable String customerEmail,
            List<Order.Item> items,
            @Nullable ShippingAddress shippingAddress) {}

    private OrderHistory() {}

    static Placed placed(Order order) {
        return new Placed(order.customerEmail(), order.items(), order.shippingAddress());
    }

    /**
     * The order after the given events, with them as its history: {@code events} must be the order's history from
     * sequence 1, gap-free, in the current schema; to see the order at sequence N, pass its first N events.
     *
     * @throws IllegalArgumentException for an empty history, or one that does not start with sequence 1 or has gaps
     */
    static OrderView replay(String orderId, List<OrderView.Event> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("order " + orderId + " has no history to replay");
        }
        State state = new State(events.get(0).occurredAt());
        int expected = 1;
        for (OrderView.Event event : events) {
            if (event.sequence() != expected) {
                throw new IllegalArgumentException("order " + orderId + "'s history has sequence " + event.sequence()
                        + " where " + expected + " was expected");
            }
            state.apply(event);
            expected++;
        }
        return state.view(orderId, events);
    }

    /** The state so far; mutable, and private to one replay. */
    private static final class State {

        private final Instant createdAt;
        private @Nullable OrderStatus status;
        private @Nullable String customerEmail;
        private List<OrderView.Item> items = List.of();
        private @Nullable ShippingAddress shippingAddress;
        private @Nullable BigDecimal totalAmount;
        private @Nullable String currency;
        private @Nullable String failureReason;
        private @Nullable String failureDetail;
        private @Nullable String paymentId;
        private @Nullable String trackingNumber;
        private int version;
        private Instant updatedAt;

        State(Instant createdAt) {
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
        }

        void apply(OrderView.Event event) {
            boolean running = status == null || !status.isTerminal();
            JsonNode details = event.details();
            switch (event.type()) {
                case ORDER_PLACED -> {
                    customerEmail = text(details, "customer_email");
                    items = placedItems(details.path("items"));
                    shippingAddress = address(details.path("shipping_address"));
                }
                case "order_validated" -> {
                    if (running) {
                        items = pricedItems(details.path("items"));
                        totalAmount = decimal(details, "total");
                        currency = text(details, "currency");
                    }
                }
                case "payment_charged" -> {
                    if (running) {
                        paymentId = text(details, "payment_id");
                    }
                }
                case "shipment_created" -> {
                    if (running) {
                        trackingNumber = text(details, "tracking_number");
                    }
                }
                case "order_failed" -> {
                    failureReason = text(details, "reason");
                    failureDetail = text(details, "detail");
                }
                default -> {
                    // the rest (steps started, compensations, their confirmations, retries) changes only the status
                }
            }
            status = OrderStatus.fromWireName(event.status());
            version = event.sequence();
            updatedAt = event.occurredAt();
        }

        OrderView view(String orderId, List<OrderView.Event> events) {
            OrderStatus current = status == null ? OrderStatus.PENDING : status;
            return new OrderView(
                    orderId,
                    current.wireName(),
                    customerEmail,
                    items,
                    totalAmount,
                    currency,
                    failureReason,
                    failureDetail,
                    paymentId,
                    trackingNumber,
                    shippingAddress,
                    version,
                    createdAt,
                    updatedAt,
                    List.copyOf(events),
                    null);
        }
    }

    private static List<OrderView.Item> placedItems(JsonNode items) {
        List<OrderView.Item> placed = new ArrayList<>();
        for (JsonNode item : items) {
            placed.add(new OrderView.Item(
                    requiredText(item, "sku"), null, item.path("quantity").asInt(), decimal(item, "unit_price"), null));
        }
        return List.copyOf(placed);
    }

    private static List<OrderView.Item> pricedItems(JsonNode items) {
        List<OrderView.Item> priced = new ArrayList<>();
        for (JsonNode item : items) {
            priced.add(new OrderView.Item(
                    requiredText(item, "sku"),
                    text(item, "name"),
                    item.path("quantity").asInt(),
                    decimal(item, "unit_price"),
                    decimal(item, "line_total")));
        }
        return List.copyOf(priced);
    }

    private static @Nullable ShippingAddress address(JsonNode address) {
        if (!address.isObject()) {
            return null;
        }
        return new ShippingAddress(
                text(address, "name"),
                text(address, "line1"),
                text(address, "city"),
                text(address, "postal_code"),
                requiredText(address, "country"));
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String requiredText(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            throw new IllegalArgumentException("an event's " + field + " is missing: " + node);
        }
        return value;
    }

    /** A decimal as it was written: from the JSON text where the reader kept it ({@code 40.00} stays 40.00). */
    private static @Nullable BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isString() ? new BigDecimal(value.asString()) : value.decimalValue();
    }
}
