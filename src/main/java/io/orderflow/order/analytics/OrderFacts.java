package io.orderflow.order.analytics;

import io.orderflow.order.OrderStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What an order's history says about it, for analytics: a pure function of the history (in sequence order), so the
 * live projection and a replay from the events agree row for row.
 *
 * <ul>
 *   <li>placed at the first event's time; the status of the last event; finished when a terminal status was first
 *       recorded;
 *   <li>total, currency and lines from the validation reply ({@code order_validated}: the priced items), else from
 *       {@code order_placed} when it carries its items (priced where a unit price was given), else the total from the
 *       charge ({@code payment_charged});
 *   <li>charged and refunded amounts from the payment replies, the failure reason from {@code order_failed},
 *       compensations counted from {@code compensation_requested};
 *   <li>time in each saga stage (the status while the step ran: validating, inventory_check, payment_processing,
 *       shipping), from the time the status was entered to the time it was left, as the events' times tell it.
 * </ul>
 */
public final class OrderFacts {

    /** The saga's stages whose time is measured, in saga order. */
    public static final List<String> STAGES = List.of(
            OrderStatus.VALIDATING.wireName(),
            OrderStatus.INVENTORY_CHECK.wireName(),
            OrderStatus.PAYMENT_PROCESSING.wireName(),
            OrderStatus.SHIPPING.wireName());

    private static final Set<String> TERMINAL =
            Set.of(OrderStatus.COMPLETED.wireName(), OrderStatus.FAILED.wireName(), OrderStatus.CANCELLED.wireName());

    /** One order as analytics sees it. {@code stageMillis} has an entry for each stage the order has left. */
    public record Fact(
            String orderId,
            Instant placedAt,
            String status,
            @Nullable Instant finishedAt,
            @Nullable BigDecimal totalAmount,
            @Nullable String currency,
            @Nullable BigDecimal chargedAmount,
            @Nullable BigDecimal refundedAmount,
            @Nullable String failureReason,
            int compensations,
            Map<String, BigDecimal> stageMillis,
            int events) {

        @Nullable
        BigDecimal stage(String stage) {
            return stageMillis.get(stage);
        }
    }

    /** A line of the order: {@code amount} is the line total once priced, else null. */
    public record Line(
            int line, String sku, int quantity, @Nullable BigDecimal amount) {}

    public record Derived(Fact fact, List<Line> lines) {}

    private OrderFacts() {}

    /** The facts of one order from its history so far (not empty, in sequence order). */
    public static Derived derive(String orderId, List<StoredEvent> history) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("order " + orderId + " has no history to derive facts from");
        }
        Instant placedAt = history.get(0).occurredAt();
        Instant finishedAt = null;
        BigDecimal total = null;
        String currency = null;
        BigDecimal charged = null;
        BigDecimal refunded = null;
        String failureReason = null;
        int compensations = 0;
        List<Line> lines = List.of();
        boolean pricedLines = false;
        Map<String, BigDecimal> stageMillis = new LinkedHashMap<>();
        String current = OrderStatus.PENDING.wireName();
        Instant enteredAt = placedAt;
        for (StoredEvent event : history) {
            switch (event.type()) {
                case "order_placed" -> {
                    JsonNode details = event.details();
                    if (!pricedLines && details.path("items").isArray()) {
                        lines = lines(details.path("items"), false);
                    }
                    if (total == null && decimal(details, "total") != null) {
                        total = decimal(details, "total");
                        currency = text(details, "currency");
                    }
                }
                case "order_validated" -> {
                    JsonNode details = event.details();
                    if (details.path("items").isArray()) {
                        lines = lines(details.path("items"), true);
                        pricedLines = true;
                    }
                    if (decimal(details, "total") != null) {
                        total = decimal(details, "total");
                        currency = text(details, "currency");
                    }
                }
                case "payment_charged" -> {
                    JsonNode details = event.details();
                    charged = decimal(details, "amount");
                    if (total == null) {
                        total = charged;
                        currency = text(details, "currency");
                    }
                }
                case "payment_refunded" -> refunded = decimal(event.details(), "amount");
                case "order_failed" -> failureReason = text(event.details(), "reason");
                case "compensation_requested" -> compensations++;
                default -> {
                    // the other events change no fact but the status and its times: their details stay unparsed
                }
            }
            if (!event.status().equals(current)) {
                if (STAGES.contains(current)) {
                    stageMillis.merge(current, millis(enteredAt, event.occurredAt()), BigDecimal::add);
                }
                current = event.status();
                enteredAt = event.occurredAt();
                if (finishedAt == null && TERMINAL.contains(current)) {
                    finishedAt = event.occurredAt();
                }
            }
        }
        String status = history.get(history.size() - 1).status();
        Fact fact = new Fact(
                orderId,
                placedAt,
                status,
                finishedAt,
                total,
                currency,
                charged,
                refunded,
                failureReason,
                compensations,
                Map.copyOf(stageMillis),
                history.size());
        return new Derived(fact, lines);
    }

    private static List<Line> lines(JsonNode items, boolean priced) {
        List<Line> lines = new ArrayList<>();
        int number = 1;
        for (JsonNode item : items) {
            String sku = text(item, "sku");
            if (sku == null) {
                continue;
            }
            int quantity = item.path("quantity").asInt(0);
            BigDecimal amount = priced ? decimal(item, "line_total") : null;
            BigDecimal unitPrice = decimal(item, "unit_price");
            if (amount == null && unitPrice != null) {
                amount = unitPrice.multiply(BigDecimal.valueOf(quantity));
            }
            lines.add(new Line(number++, sku, quantity, amount));
        }
        return List.copyOf(lines);
    }

    static BigDecimal millis(Instant from, Instant to) {
        long micros = Duration.between(from, to).toNanos() / 1000;
        return BigDecimal.valueOf(Math.max(0, micros), 3);
    }

    private static @Nullable BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isString()) {
            try {
                return new BigDecimal(value.asString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.asString() : null;
    }
}
