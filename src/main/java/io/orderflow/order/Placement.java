package io.orderflow.order;

/** The outcome of placing an order: the order, and whether this call created it. */
public record Placement(OrderView order, boolean created) {
}
