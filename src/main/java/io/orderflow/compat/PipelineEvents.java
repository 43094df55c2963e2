package io.orderflow.compat;

import io.orderflow.order.OrderView;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * An order's history in seed 001's words: its event types where they differ from orderflow's, each event's
 * {@code status} as 001's page colours it ({@code success} green, {@code failed} red, anything else blue), and a
 * {@code message} for the page to show.
 */
final class PipelineEvents {

    /** orderflow's event types that 001 names otherwise; every other type keeps its name. */
    static final Map<String, String> TYPES = Map.of(
            "order_placed", "order_created",
            "stock_reserved", "inventory_reserved",
            "payment_charged", "payment_processed");

    /** A step done, or undone as asked. */
    static final Set<String> SUCCEEDED = Set.of(
            "order_placed",
            "order_validated",
            "stock_reserved",
            "payment_charged",
            "shipment_created",
            "order_completed",
            "stock_released",
            "payment_refunded",
            "shipment_cancelled");

    /** A step refused, or the order's end short of completion (001 knows no cancellation: its orders fail). */
    static final Set<String> FAILED = Set.of(
            "order_rejected",
            "stock_unavailable",
            "payment_declined",
            "shipment_failed",
            "step_timed_out",
            "order_failed",
            "order_cancelled");

    private PipelineEvents() {}

    static Map<String, Object> of(String orderId, OrderView.Event event) {
        String type = event.type();
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("order_id", orderId);
        shown.put("event_type", TYPES.getOrDefault(type, type));
        shown.put("status", SUCCEEDED.contains(type) ? "success" : FAILED.contains(type) ? "failed" : "info");
        shown.put("message", message(type, event.details()));
        shown.put("timestamp", event.occurredAt());
        shown.put("sequence", event.sequence());
        shown.put("metadata", event.details());
        return shown;
    }

    static String message(String type, JsonNode details) {
        return switch (type) {
            case "order_placed" -> "Order created";
            case "fulfilment_started" -> "Processing started";
            case "order_validated" -> "Order validated and priced by the catalog: " + amount(details, "total");
            case "order_rejected" -> "Order rejected: " + text(details, "detail");
            case "stock_reserved" -> "Inventory reserved";
            case "stock_unavailable" -> "Inventory check failed: not enough stock of " + list(details, "skus");
            case "payment_charged" -> "Payment of " + amount(details, "amount") + " processed";
            case "payment_declined" -> "Payment declined: " + text(details, "reason");
            case "shipment_created" -> "Shipment created, tracking number " + text(details, "tracking_number");
            case "shipment_failed" -> "Shipment failed: " + text(details, "reason");
            case "order_completed" -> "Order completed";
            case "order_failed" ->
                "Order failed: " + text(details, "reason")
                        + (details.hasNonNull("detail") ? " (" + text(details, "detail") + ")" : "");
            case "compensation_requested" -> "Undoing: " + words(text(details, "action"));
            case "stock_released" -> "Reserved inventory released";
            case "payment_refunded" -> "Payment of " + amount(details, "amount") + " refunded";
            case "shipment_cancelled" -> "Shipment cancelled";
            case "cancellation_requested" -> "Cancellation requested";
            case "order_cancelled" -> "Order cancelled";
            case "step_retried" -> "No answer from " + words(text(details, "step")) + " yet: asked again";
            case "step_timed_out" -> "No answer from " + words(text(details, "step")) + " in time";
            default -> capitalised(words(type));
        };
    }

    private static String amount(JsonNode details, String field) {
        return (text(details, field) + " " + text(details, "currency")).trim();
    }

    private static String text(JsonNode details, String field) {
        return details.path(field).asString("");
    }

    private static String list(JsonNode details, String field) {
        StringBuilder joined = new StringBuilder();
        details.path(field)
                .forEach(value -> joined.append(joined.isEmpty() ? "" : ", ").append(value.asString("")));
        return joined.toString();
    }

    private static String words(String snakeCase) {
        return snakeCase.replace('_', ' ');
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }
}
