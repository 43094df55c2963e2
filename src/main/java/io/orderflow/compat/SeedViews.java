package io.orderflow.compat;

import io.orderflow.order.OrderStatus;
import io.orderflow.order.OrderView;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An order in the words of the seed that placed it (docs/compatibility.md). Amounts are the catalog's: what the
 * client said an item costs is never shown back as its price. The answer to placing shows the order as accepted:
 * {@code pending}, unless it already ended (the catalog refused it in the placing transaction).
 */
final class SeedViews {

    private SeedViews() {}

    /** The answer to {@code POST /orders}. */
    static Object placed(Seed seed, String publicId, JsonNode said, OrderView order) {
        return switch (seed) {
            case PIPELINE -> pipelineOrder(order, true);
            case PUB_SUB -> fields("status", "success", "order", pubSubOrder(order, said, true));
            case ORDER_SERVICE -> orderServiceOrder(publicId, order, said);
        };
    }

    /** The answer to {@code GET /orders/{id}}: the order now, 001's with its history. */
    static Object current(Seed seed, String publicId, JsonNode said, OrderView order) {
        return switch (seed) {
            case PIPELINE ->
                fields(
                        "order",
                        pipelineOrder(order, false),
                        "events",
                        Objects.requireNonNullElse(order.events(), List.<OrderView.Event>of()).stream()
                                .map(event -> PipelineEvents.of(order.id(), event))
                                .toList());
            case PUB_SUB -> fields("status", "success", "order", pubSubOrder(order, said, false));
            case ORDER_SERVICE -> orderServiceOrder(publicId, order, said);
        };
    }

    /** 001: {@code id, customer_email, items[{product_id, name, quantity, price}], total_amount, status, ...}. */
    static Map<String, Object> pipelineOrder(OrderView order, boolean asPlaced) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", order.id());
        putIfKnown(shown, "customer_email", order.customerEmail());
        shown.put(
                "items",
                order.items().stream()
                        .map(item -> {
                            Map<String, Object> line = new LinkedHashMap<>();
                            line.put("product_id", item.sku());
                            line.put("name", item.name() != null ? item.name() : item.sku());
                            line.put("quantity", item.quantity());
                            putIfKnown(line, "price", item.unitPrice());
                            return line;
                        })
                        .toList());
        shown.put("total_amount", total(order));
        putIfKnown(shown, "currency", order.currency());
        shown.put(
                "status", asPlaced ? asPlaced(order, pipelineStatus(order.status())) : pipelineStatus(order.status()));
        outcome(shown, order);
        putIfKnown(shown, "tracking_number", order.trackingNumber());
        shown.put("version", order.version());
        shown.put("created_at", order.createdAt());
        shown.put("updated_at", order.updatedAt());
        return shown;
    }

    /** 001's statuses are orderflow's, but for {@code cancelled}: 001 knows no cancellation, its orders fail. */
    static String pipelineStatus(String status) {
        return OrderStatus.fromWireName(status) == OrderStatus.CANCELLED ? "failed" : status;
    }

    /** 003: the client's user and product ids as it sent them, with the catalog's SKU and prices. */
    static Map<String, Object> pubSubOrder(OrderView order, JsonNode said, boolean asPlaced) {
        OrderView.Item item = order.items().get(0); // a 003 order has one line
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", order.id());
        shown.put("user_id", said.path("user_id"));
        shown.put("product_id", said.path("product_id"));
        shown.put("sku", item.sku());
        putIfKnown(shown, "name", item.name());
        shown.put("quantity", item.quantity());
        putIfKnown(shown, "price", item.unitPrice());
        shown.put("total_amount", total(order));
        putIfKnown(shown, "currency", order.currency());
        shown.put("status", asPlaced ? asPlaced(order, order.status()) : order.status());
        outcome(shown, order);
        shown.put("created_at", order.createdAt());
        shown.put("updated_at", order.updatedAt());
        return shown;
    }

    /** 004: {@code order_id, customer_id, status (pending, done, failed), total_amount, version}, and more. */
    static Map<String, Object> orderServiceOrder(String publicId, OrderView order, JsonNode said) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("order_id", publicId);
        shown.put("customer_id", said.path("customer_id"));
        shown.put("status", orderServiceStatus(order.status()));
        shown.put("stage", order.status()); // orderflow's own, finer status
        shown.put("total_amount", total(order));
        putIfKnown(shown, "currency", order.currency());
        shown.put("version", order.version());
        outcome(shown, order);
        shown.put(
                "items",
                order.items().stream()
                        .map(item -> {
                            Map<String, Object> line = new LinkedHashMap<>();
                            line.put("sku", item.sku());
                            line.put("quantity", item.quantity());
                            putIfKnown(line, "price", item.unitPrice());
                            return line;
                        })
                        .toList());
        shown.put("created_at", order.createdAt());
        shown.put("updated_at", order.updatedAt());
        return shown;
    }

    /** 004 knows three: {@code pending} until the order ends, then {@code done} or {@code failed}. */
    static String orderServiceStatus(String status) {
        return switch (OrderStatus.fromWireName(status)) {
            case COMPLETED -> "done";
            case FAILED, CANCELLED -> "failed";
            default -> "pending";
        };
    }

    /** The catalog's total; 0 for an order it could not price (an unknown product), which is never charged. */
    private static BigDecimal total(OrderView order) {
        BigDecimal total = order.totalAmount();
        return total != null ? total : BigDecimal.ZERO.setScale(2);
    }

    /** As the answer to placing shows it: accepted, so pending, unless it has ended already. */
    private static String asPlaced(OrderView order, String status) {
        return OrderStatus.fromWireName(order.status()).isTerminal() ? status : "pending";
    }

    /** Why an order failed: {@code failure_reason} (unknown_sku, insufficient_stock, ...) and its detail. */
    private static void outcome(Map<String, Object> shown, OrderView order) {
        putIfKnown(shown, "failure_reason", order.failureReason());
        putIfKnown(shown, "failure_detail", order.failureDetail());
    }

    private static void putIfKnown(Map<String, Object> map, String key, @Nullable Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Map<String, Object> fields(String key1, Object value1, String key2, Object value2) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(key1, value1);
        fields.put(key2, value2);
        return fields;
    }
}
