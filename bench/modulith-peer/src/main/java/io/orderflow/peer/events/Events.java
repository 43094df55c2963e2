package io.orderflow.peer.events;

import java.math.BigDecimal;
import java.util.List;

/** Every event of the flow; each carries what the next step needs, so no listener reads another module's tables. */
public final class Events {

    private Events() {}

    public record Line(String sku, int quantity, BigDecimal unitPrice) {}

    /** Published by the order module in the transaction that stores the order. */
    public record OrderPlaced(
            String orderId, String email, List<Line> lines, BigDecimal total, String cardToken, String country) {}

    public record StockReserved(String orderId, BigDecimal total, String cardToken, String country) {}

    public record StockRejected(String orderId, String reason) {}

    public record PaymentCompleted(String orderId, String paymentId, BigDecimal amount, String country) {}

    public record PaymentDeclined(String orderId, String reason) {}

    public record OrderShipped(String orderId, String trackingNumber) {}

    public record ShippingFailed(String orderId, String reason) {}

    public record PaymentRefunded(String orderId, BigDecimal amount) {}

    public record OrderCompleted(String orderId, String email) {}

    public record OrderFailed(String orderId, String email, String reason) {}
}
