package io.orderflow.payment;

import java.util.Arrays;

/** Where an order's payment stands; {@code dbName} is what {@code payment.payment.status} holds. */
enum PaymentState {
    /** The provider took the money. */
    CHARGED("charged"),
    /** The provider refused the card; nothing was taken. */
    DECLINED("declined"),
    /** The charge was given back. */
    REFUNDED("refunded"),
    /** Refunded before anything was charged: a fence against a late charge. */
    VOIDED("voided");

    private final String dbName;

    PaymentState(String dbName) {
        this.dbName = dbName;
    }

    String dbName() {
        return dbName;
    }

    static PaymentState fromDb(String dbName) {
        return Arrays.stream(values())
                .filter(s -> s.dbName.equals(dbName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown payment status '" + dbName + "'"));
    }
}
