package io.orderflow.payment;

import java.math.BigDecimal;

/** An order's one payment, as recorded; what a repeated command hears is decided from it alone. */
record Payment(
        String orderId,
        String paymentId,
        BigDecimal amount,
        String currency,
        PaymentState state,
        String declineReason) {

    /** ISO 4217 "no currency involved": a void of an order whose currency the refund command did not carry. */
    static final String NO_CURRENCY = "XXX";

    /** A void is recorded in the order's currency, or in no currency when the command does not say. */
    static String voidCurrency(RefundPayment command) {
        return command.currency() != null ? command.currency() : NO_CURRENCY;
    }

    /** A repeated {@link ChargePayment} charges nothing: it hears the recorded outcome. */
    ChargeReply answerToRepeatedCharge() {
        return switch (state) {
            case CHARGED -> new PaymentCharged(orderId, paymentId, amount, currency);
            case DECLINED -> new PaymentDeclined(orderId, declineReason);
            case REFUNDED, VOIDED -> new PaymentDeclined(orderId, "payment_" + state.dbName());
        };
    }

    /** A refund of a payment that holds no money (refunded already, declined, voided) gives nothing back. */
    PaymentRefunded answerToRepeatedRefund() {
        return new PaymentRefunded(orderId, state == PaymentState.REFUNDED ? amount : BigDecimal.ZERO, currency);
    }
}
