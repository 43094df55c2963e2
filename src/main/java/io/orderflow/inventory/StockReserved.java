package io.orderflow.inventory;

/** Reply: the order's items are held for it. */
public record StockReserved(String orderId) implements ReservationReply {}
