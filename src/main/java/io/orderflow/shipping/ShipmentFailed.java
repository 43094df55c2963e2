package io.orderflow.shipping;

public record ShipmentFailed(String orderId, String reason) implements ShipmentReply {}
