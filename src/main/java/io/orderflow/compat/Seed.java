package io.orderflow.compat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed documents whose clients call {@code POST /orders}, each with a body and answers of its own
 * (docs/compatibility.md). Stored by number: {@code GET /orders/{id}} answers in the words of the seed that placed it.
 */
enum Seed {
    /** 001: the event pipeline's browser page and its tests; answers {@code {order, events}}, pushes over WebSocket. */
    PIPELINE(
            "001",
            List.of("customer_email", "items[].product_id", "items[].quantity"),
            List.of("items[].name", "items[].price", "total_amount")),
    /** 003: publish/subscribe basics, one product per order; answers {@code {status: "success", order}}. */
    PUB_SUB("003", List.of("user_id", "product_id", "quantity"), List.of("price")),
    /** 004: an order service with a processor behind it; the client chooses the order's id. */
    ORDER_SERVICE(
            "004", List.of("order_id", "customer_id", "items[].sku", "items[].quantity"), List.of("items[].price"));

    private final String number;
    private final List<String> required;
    private final List<String> optional;

    Seed(String number, List<String> required, List<String> optional) {
        this.number = number;
        this.required = required;
        this.optional = optional;
    }

    String number() {
        return number;
    }

    static Seed ofNumber(String number) {
        return Arrays.stream(values())
                .filter(s -> s.number.equals(number))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no seed " + number));
    }

    /** What a body in this seed's words holds, for the problem that answers a body in nobody's. */
    Map<String, Object> shape() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("seed", number);
        shape.put("required", required);
        shape.put("optional", optional);
        return shape;
    }
}
