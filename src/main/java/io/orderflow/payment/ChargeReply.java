package io.orderflow.payment;

/** The payment module's answer to {@link ChargePayment}: charged, or declined. */
public sealed interface ChargeReply permits PaymentCharged, PaymentDeclined {

    String orderId();
}
