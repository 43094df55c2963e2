package io.orderflow.payment;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * An order's one payment, as recorded; what a repeated command hears is decided from it alone. Only a charge has
 * the provider's {@code paymentId}, only a decline a {@code declineReason}.
 */
record Payment(
        String orderId,
        @Nullable String paymentId,
        BigDecimal amount,
        String currency,
        PaymentState state,
        @Nullable String declineReason) {

    /** ISO 4217 "no currency involved": a void of an order whose currency the refund command did not carry. */
    static final String NO_CURRENCY = "XXX";

    /** A void is recorded in the order's currency, or in no currency when the command does not say. */
    static String voidCurrency(RefundPayment command) {
        return command.currency() != null ? command.currency() : NO_CURRENCY;
    }

    /** A repeated {@link ChargePayment} charges nothing: it hears the recorded outcome. */
    ChargeReply answerToRepeatedCharge() {
        return switch (state) {
            case CHARGED -> new PaymentCharged(orderId, chargeReference(), amount, currency);
            case DECLINED ->
                new PaymentDeclined(
                        orderId, requireNonNull(declineReason, "a decline is recorded with the provider's reason"));
            case REFUNDED, VOIDED -> new PaymentDeclined(orderId, "payment_" + state.dbName());
        };
    }

    /** The provider's reference for the charge; only for a payment in state {@code CHARGED} (or refunded). */
    String chargeReference() {
        return requireNonNull(paymentId, () -> "payment of order " + orderId + " was never charged");
    }

    /** A refund of a payment that holds no money (refunded already, declined, voided) gives nothing back. */
    PaymentRefunded answerToRepeatedRefund() {
        return new PaymentRefunded(orderId, state == PaymentState.REFUNDED ? amount : BigDecimal.ZERO, currency);
    }
}
