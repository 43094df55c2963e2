package io.orderflow.shipping;

/** An order's one shipment, as recorded; what a repeated request hears is decided from it alone. */
record Shipment(String orderId, String trackingNumber, ShipmentState state, String failureReason) {

    static final String CARRIER = "orderflow-express";

    /** A repeated {@link CreateShipment} books nothing: it hears the recorded outcome. */
    ShipmentReply answerToRepeatedCreate() {
        return switch (state) {
            case CREATED -> new ShipmentCreated(orderId, trackingNumber, CARRIER);
            case FAILED -> new ShipmentFailed(orderId, failureReason);
            case CANCELLED -> new ShipmentFailed(orderId, "shipment_cancelled");
        };
    }
}
