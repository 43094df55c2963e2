package io.orderflow.inventory;

/** The inventory's answer to {@link ReserveStock}: every item reserved, or none. */
public sealed interface ReservationReply permits StockReserved, StockUnavailable {

    String orderId();
}
