package io.orderflow.shipping;

import java.util.Arrays;

/** Where an order's shipment stands; {@code dbName} is what {@code shipping.shipment.status} holds. */
enum ShipmentState {
    /** Booked with the carrier, with a tracking number. */
    CREATED("created"),
    /** The carrier refused it (an unserved destination); the reason is recorded. */
    FAILED("failed"),
    /** Cancelled after booking, or before it: a fence against a late request. */
    CANCELLED("cancelled");

    private final String dbName;

    ShipmentState(String dbName) {
        this.dbName = dbName;
    }

    String dbName() {
        return dbName;
    }

    static ShipmentState fromDb(String dbName) {
        return Arrays.stream(values())
                .filter(s -> s.dbName.equals(dbName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown shipment status '" + dbName + "'"));
    }
}
