package io.orderflow.inventory;

/** Compensation: give the order's reserved items back to available stock. */
public record ReleaseStock(String orderId) {}
