package io.orderflow.payment;

public record PaymentDeclined(String orderId, String reason) implements ChargeReply {}
