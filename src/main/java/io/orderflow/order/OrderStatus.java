package io.orderflow.order;

import java.util.Locale;

public enum OrderStatus {
    PENDING,
    VALIDATING,
    INVENTORY_CHECK,
    PAYMENT_PROCESSING,
    SHIPPING,
    COMPLETED,
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Before the shipment is requested; after that the order runs to its end. */
    public boolean isCancellable() {
        return !isTerminal() && this != SHIPPING;
    }

    /** The wire form: {@code inventory_check}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OrderStatus fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
