package io.orderflow.shipping;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * An order's one shipment, as recorded; what a repeated request hears is decided from it alone. A booked shipment has
 * a tracking number, a refused or cancelled one a failure reason.
 */
record Shipment(
        String orderId,
        @Nullable String trackingNumber,
        ShipmentState state,
        @Nullable String failureReason) {

    static final String CARRIER = "orderflow-express";

    /** A repeated {@link CreateShipment} books nothing: it hears the recorded outcome. */
    ShipmentReply answerToRepeatedCreate() {
        return switch (state) {
            case CREATED ->
                new ShipmentCreated(
                        orderId,
                        requireNonNull(trackingNumber, "a shipment is recorded as created with its tracking number"),
                        CARRIER);
            case FAILED ->
                new ShipmentFailed(
                        orderId, requireNonNull(failureReason, "a refused shipment is recorded with the reason"));
            case CANCELLED -> new ShipmentFailed(orderId, "shipment_cancelled");
        };
    }
}
