package io.orderflow.payment;

import org.jspecify.annotations.Nullable;

/**
 * Compensation: give back whatever was charged for the order. {@code currency} is the order's (null when the
 * order was never priced, or in a message from before this field): what a void is recorded in when nothing was
 * charged; a refund is in the charge's own currency.
 */
public record RefundPayment(String orderId, @Nullable String currency) {}
