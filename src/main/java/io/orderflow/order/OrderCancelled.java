package io.orderflow.order;

public record OrderCancelled(String orderId, String customerEmail) {}
