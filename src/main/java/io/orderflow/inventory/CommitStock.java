package io.orderflow.inventory;

/** Command: the order shipped; its reservation becomes shipped stock. */
public record CommitStock(String orderId) {}
