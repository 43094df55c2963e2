package io.orderflow.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Payment's rules that need no database: what a repeated command hears, and the currency of a void. */
class PaymentRulesUnitTest {

    static final BigDecimal TOTAL = new BigDecimal("42.50");

    @Test
    void aRepeatedChargeOfAChargedOrderAnswersTheSameChargeWithItsPaymentId() {
        assertThat(payment(PaymentState.CHARGED).answerToRepeatedCharge())
                .isEqualTo(new PaymentCharged("o-1", "ch_1", TOTAL, "EUR"));
    }

    @Test
    void aRepeatedChargeOfADeclinedOrderAnswersTheSameDecline() {
        assertThat(payment(PaymentState.DECLINED).answerToRepeatedCharge())
                .isEqualTo(new PaymentDeclined("o-1", "card_declined"));
    }

    @Test
    void aChargeAfterARefundOrAVoidIsDeclinedNamingTheRecordedState() {
        assertThat(payment(PaymentState.REFUNDED).answerToRepeatedCharge())
                .isEqualTo(new PaymentDeclined("o-1", "payment_refunded"));
        assertThat(payment(PaymentState.VOIDED).answerToRepeatedCharge())
                .isEqualTo(new PaymentDeclined("o-1", "payment_voided"));
    }

    @Test
    void aRepeatedRefundAnswersTheRefundedAmountAgain() {
        assertThat(payment(PaymentState.REFUNDED).answerToRepeatedRefund())
                .isEqualTo(new PaymentRefunded("o-1", TOTAL, "EUR"));
    }

    @Test
    void aRefundOfAPaymentThatTookNoMoneyGivesNothingBackInItsCurrency() {
        assertThat(payment(PaymentState.DECLINED).answerToRepeatedRefund())
                .isEqualTo(new PaymentRefunded("o-1", BigDecimal.ZERO, "EUR"));
        assertThat(payment(PaymentState.VOIDED).answerToRepeatedRefund())
                .isEqualTo(new PaymentRefunded("o-1", BigDecimal.ZERO, "EUR"));
    }

    @Test
    void voidsInTheOrdersCurrencyOrInNoCurrencyWhenTheCommandDoesNotSay() {
        assertThat(Payment.voidCurrency(new RefundPayment("o-1", "EUR"))).isEqualTo("EUR");
        assertThat(Payment.voidCurrency(new RefundPayment("o-1", null))).isEqualTo("XXX");
    }

    @ParameterizedTest
    @EnumSource(PaymentState.class)
    void readsBackEveryStateFromItsDatabaseName(PaymentState state) {
        assertThat(PaymentState.fromDb(state.dbName())).isSameAs(state);
    }

    @Test
    void refusesAStatusItDoesNotKnow() {
        assertThatThrownBy(() -> PaymentState.fromDb("CHARGED")).isInstanceOf(IllegalStateException.class);
    }

    private static Payment payment(PaymentState state) {
        boolean charged = state == PaymentState.CHARGED || state == PaymentState.REFUNDED;
        return new Payment(
                "o-1",
                charged ? "ch_1" : null,
                charged ? TOTAL : BigDecimal.ZERO,
                "EUR",
                state,
                state == PaymentState.DECLINED ? "card_declined" : null);
    }
}
