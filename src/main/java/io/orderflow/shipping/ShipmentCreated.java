package io.orderflow.shipping;

public record ShipmentCreated(String orderId, String trackingNumber, String carrier) implements ShipmentReply {}
