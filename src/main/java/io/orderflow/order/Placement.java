package io.orderflow.order;

/**
 * The outcome of placing an order: the order, and whether this call created it. A guest order created by this
 * call carries its order token in the view (the only time it is shown).
 */
public record Placement(OrderView order, boolean created) {}
