package io.orderflow.inventory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Where an order's reservation stands; {@code dbName} is what {@code inventory.reservation.status} holds. */
enum ReservationState {
    /** The order's items are held for it. */
    RESERVED,
    /** Something was short; nothing was held, and a repeated request is refused the same way. */
    REJECTED,
    /** Given back, or released before anything was reserved: a fence against a late reservation. */
    RELEASED,
    /** The order completed; its items left as shipped stock. */
    SHIPPED;

    /** The stored name: the constant's name in lower case. */
    String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ReservationState fromDb(String dbName) {
        return Arrays.stream(values())
                .filter(s -> s.dbName().equals(dbName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown reservation status '" + dbName + "'"));
    }

    /** A repeated {@link ReserveStock} acts no more: it hears what the first one decided. */
    ReservationReply answerToRepeatedReserve(String orderId) {
        return switch (this) {
            case RESERVED, SHIPPED -> new StockReserved(orderId);
            case REJECTED, RELEASED -> new StockUnavailable(orderId, "reservation_" + dbName(), List.of());
        };
    }
}
