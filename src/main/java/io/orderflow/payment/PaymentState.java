package io.orderflow.payment;

import java.util.Arrays;
import java.util.Locale;

/** Where an order's payment stands; {@code dbName} is what {@code payment.payment.status} holds. */
enum PaymentState {
    /** The provider took the money. */
    CHARGED,
    /** The provider refused the card; nothing was taken. */
    DECLINED,
    /** The charge was given back. */
    REFUNDED,
    /** Refunded before anything was charged: a fence against a late charge. */
    VOIDED;

    /** The stored name: the constant's name in lower case. */
    String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static PaymentState fromDb(String dbName) {
        return Arrays.stream(values())
                .filter(s -> s.dbName().equals(dbName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown payment status '" + dbName + "'"));
    }
}
