package io.orderflow.shipping;

/**
 * Compensation: the order failed after its shipment was requested (e.g. the step timed out and the carrier
 * answered late). Cancels the shipment, or refuses any later request for this order.
 */
public record CancelShipment(String orderId) {}
