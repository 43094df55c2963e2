package io.orderflow.shipping;

public record ShipmentCancelled(String orderId) {}
