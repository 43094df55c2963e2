package io.orderflow.order;

import io.orderflow.shipping.ShippingAddress;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The order as the API shows it; {@code events} is its history, present on single-order reads;
 * {@code orderToken} opens a guest order to whoever holds it, and is shown only in the answer that created it.
 */
public record OrderView(
        String id,
        String status,
        @Nullable String customerEmail,
        List<Item> items,
        @Nullable BigDecimal totalAmount,
        @Nullable String currency,
        @Nullable String failureReason,
        @Nullable String failureDetail,
        @Nullable String paymentId,
        @Nullable String trackingNumber,
        @Nullable ShippingAddress shippingAddress,
        int version,
        Instant createdAt,
        Instant updatedAt,
        @Nullable List<Event> events,
        @Nullable String orderToken) {

    OrderView withOrderToken(String token) {
        return new OrderView(
                id,
                status,
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
                events,
                token);
    }

    public record Item(
            String sku,
            @Nullable String name,
            int quantity,
            @Nullable BigDecimal unitPrice,
            @Nullable BigDecimal lineTotal) {}

    public record Event(int sequence, String type, String status, Instant occurredAt, JsonNode details) {}
}
