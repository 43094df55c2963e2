package io.orderflow.order;

public record OrderFailed(String orderId, String customerEmail, String reason, String detail) {}
