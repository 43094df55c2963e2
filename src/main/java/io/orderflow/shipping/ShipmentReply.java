package io.orderflow.shipping;

/** The shipping module's answer to {@link CreateShipment}: a shipment with its tracking number, or a refusal. */
public sealed interface ShipmentReply permits ShipmentCreated, ShipmentFailed {

    String orderId();
}
