package io.orderflow.payment;

/** Compensation: give back whatever was charged for the order. */
public record RefundPayment(String orderId) {}
