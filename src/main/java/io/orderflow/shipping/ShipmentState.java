package io.orderflow.shipping;

import java.util.Arrays;
import java.util.Locale;

/** Where an order's shipment stands; {@code dbName} is what {@code shipping.shipment.status} holds. */
enum ShipmentState {
    /** Booked with the carrier, with a tracking number. */
    CREATED,
    /** The carrier refused it (an unserved destination); the reason is recorded. */
    FAILED,
    /** Cancelled after booking, or before it: a fence against a late request. */
    CANCELLED;

    /** The stored name: the constant's name in lower case. */
    String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ShipmentState fromDb(String dbName) {
        return Arrays.stream(values())
                .filter(s -> s.dbName().equals(dbName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown shipment status '" + dbName + "'"));
    }
}
