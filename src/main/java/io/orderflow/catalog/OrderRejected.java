package io.orderflow.catalog;

/** Reply: the order cannot be priced; {@code reason} is machine-readable ({@code unknown_sku}, {@code price_changed}). */
public record OrderRejected(String orderId, String reason, String detail) implements ValidationReply {}
