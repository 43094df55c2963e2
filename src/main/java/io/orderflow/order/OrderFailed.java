package io.orderflow.order;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Lifecycle event: an order failed. {@code undone} names the compensations it set off, in the order they were sent
 * ({@code ReleaseStock}, {@code RefundPayment}, {@code CancelShipment}); empty when nothing had been done yet, and in
 * events an earlier version wrote without the field.
 */
public record OrderFailed(
        String orderId,
        String customerEmail,
        String reason,
        @Nullable String detail,
        List<String> undone) {

    public OrderFailed {
        undone = undone == null ? List.of() : List.copyOf(undone);
    }
}
