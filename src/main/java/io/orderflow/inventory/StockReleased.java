package io.orderflow.inventory;

/** Reply to {@link ReleaseStock}. */
public record StockReleased(String orderId) {}
