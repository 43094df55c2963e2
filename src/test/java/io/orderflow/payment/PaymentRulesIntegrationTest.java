package io.orderflow.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.orderflow.messaging.DependencyUnavailableException;
import io.orderflow.messaging.PoisonMessageException;
import io.orderflow.platform.ModuleDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Payment's rules that live in SQL, on the real PostgreSQL: one payment per order, in the order's currency,
 * the provider called once per effect, and a refund that overtakes the charge fences it off.
 */
class PaymentRulesIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("payment");

    static final BigDecimal TOTAL = new BigDecimal("42.50");

    final CountingProvider provider = new CountingProvider();
    final Payments payments =
            new Payments(db.jdbc(), new PaymentGateway(provider, CircuitBreaker.ofDefaults("payment-provider")));

    @Nested
    class Charging {

        @Test
        void chargesTheOrdersTotalInItsCurrency() {
            String order = order();

            Object reply = charge(order, "tok_visa");

            assertThat(reply).isInstanceOfSatisfying(PaymentCharged.class, charged -> {
                assertThat(charged.paymentId()).startsWith("ch_");
                assertThat(charged.amount()).isEqualTo(TOTAL);
                assertThat(charged.currency()).isEqualTo("EUR");
            });
            assertThat(payment(order)).isEqualTo("charged EUR 42.50 refunded 0.00");
        }

        @Test
        void recordsADeclinedCard() {
            String order = order();

            assertThat(charge(order, PaymentProvider.DECLINED_CARD))
                    .isEqualTo(new PaymentDeclined(order, "card_declined"));
            assertThat(payment(order)).isEqualTo("declined EUR 42.50 refunded 0.00");
        }

        @Test
        void recordsNothingWhileTheProviderIsDownSoTheRetryCharges() {
            String order = order();
            provider.setDown(true);

            assertThatThrownBy(() -> charge(order, "tok_visa")).isInstanceOf(DependencyUnavailableException.class);
            assertThat(payment(order)).isNull();

            provider.setDown(false);
            assertThat(charge(order, "tok_visa")).isInstanceOf(PaymentCharged.class);
        }

        @Test
        void treatsANonPositiveAmountAsPoisonAndRecordsNothing() {
            String order = order();

            assertThatThrownBy(() -> db.inTransaction(
                            () -> payments.charge(new ChargePayment(order, BigDecimal.ZERO, "EUR", "tok_visa"))))
                    .isInstanceOf(PoisonMessageException.class);
            assertThat(payment(order)).isNull();
            assertThat(provider.charges).hasValue(0);
        }
    }

    @Nested
    class DuplicateCommands {

        @Test
        void aRepeatedChargeTakesNothingMoreAndAnswersTheSameCharge() {
            String order = order();
            Object first = charge(order, "tok_visa");

            Object again = charge(order, "tok_visa");

            assertThat(again).isEqualTo(first);
            assertThat(provider.charges).hasValue(1);
        }

        @Test
        void aRepeatedChargeOfADeclinedCardAnswersTheSameDeclineWithoutAskingAgain() {
            String order = order();
            charge(order, PaymentProvider.DECLINED_CARD);

            assertThat(charge(order, "tok_visa")).isEqualTo(new PaymentDeclined(order, "card_declined"));
            assertThat(provider.charges).hasValue(1);
        }
    }

    @Nested
    class Compensation {

        @Test
        void aRefundGivesTheChargeBackInItsCurrency() {
            String order = order();
            charge(order, "tok_visa");

            assertThat(refund(order, "EUR")).isEqualTo(new PaymentRefunded(order, TOTAL, "EUR"));
            assertThat(payment(order)).isEqualTo("refunded EUR 42.50 refunded 42.50");
            assertThat(provider.refunds).hasValue(1);
        }

        @Test
        void aSecondRefundGivesNothingMoreAndAnswersTheSameRefund() {
            String order = order();
            charge(order, "tok_visa");
            refund(order, "EUR");

            assertThat(refund(order, "EUR")).isEqualTo(new PaymentRefunded(order, TOTAL, "EUR"));
            assertThat(provider.refunds).hasValue(1);
            assertThat(payment(order)).isEqualTo("refunded EUR 42.50 refunded 42.50");
        }

        @Test
        void aRefundOfADeclinedPaymentGivesNothingBack() {
            String order = order();
            charge(order, PaymentProvider.DECLINED_CARD);

            assertThat(refund(order, "EUR")).isEqualTo(new PaymentRefunded(order, BigDecimal.ZERO, "EUR"));
            assertThat(provider.refunds).hasValue(0);
            assertThat(payment(order)).startsWith("declined");
        }

        @Test
        void aRefundBeforeTheChargeVoidsTheOrderAndTheLateChargeIsDeclined() {
            String order = order();

            assertThat(refund(order, "EUR")).isEqualTo(new PaymentRefunded(order, BigDecimal.ZERO, "EUR"));
            Object late = charge(order, "tok_visa");

            assertThat(late).isEqualTo(new PaymentDeclined(order, "payment_voided"));
            assertThat(provider.charges).hasValue(0);
            assertThat(payment(order)).isEqualTo("voided EUR 0.00 refunded 0.00");
        }

        @Test
        void aSecondVoidIsANoOpThatAnswersTheSameRefund() {
            String order = order();
            refund(order, "EUR");

            assertThat(refund(order, "EUR")).isEqualTo(new PaymentRefunded(order, BigDecimal.ZERO, "EUR"));
            assertThat(payment(order)).isEqualTo("voided EUR 0.00 refunded 0.00");
        }

        @Test
        void aRefundTheProviderCouldNotTakeLeavesTheChargeToRefundOnRetry() {
            String order = order();
            charge(order, "tok_visa");
            provider.setDown(true);

            assertThatThrownBy(() -> refund(order, "EUR")).isInstanceOf(DependencyUnavailableException.class);
            assertThat(payment(order)).startsWith("charged");

            provider.setDown(false);
            assertThat(refund(order, "EUR")).isEqualTo(new PaymentRefunded(order, TOTAL, "EUR"));
        }
    }

    @Test
    void storesEveryStateTheSchemaAllows() {
        for (PaymentState state : PaymentState.values()) {
            String order = order();
            db.jdbc()
                    .sql("insert into payment.payment (order_id, amount, currency, status) values (?, 0, 'EUR', ?)")
                    .params(order, state.dbName())
                    .update();
            assertThat(payment(order)).startsWith(state.dbName() + " ");
        }
    }

    private Object charge(String order, String card) {
        return db.inTransaction(() -> payments.charge(new ChargePayment(order, TOTAL, "EUR", card)));
    }

    private PaymentRefunded refund(String order, String currency) {
        return db.inTransaction(() -> payments.refund(new RefundPayment(order, currency)));
    }

    private static String order() {
        return "order-" + UUID.randomUUID();
    }

    /** The order's payment row, or null: state, currency, amount and what was refunded. */
    private static String payment(String order) {
        return db.jdbc()
                .sql("select status || ' ' || currency || ' ' || amount || ' refunded ' || refunded_amount "
                        + "from payment.payment where order_id = ?")
                .param(order)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    /** The simulated provider, counting the charges and refunds it carried out. */
    static final class CountingProvider extends PaymentProvider {

        final AtomicInteger charges = new AtomicInteger();
        final AtomicInteger refunds = new AtomicInteger();

        CountingProvider() {
            super(Duration.ZERO, Duration.ZERO, 0, false);
        }

        @Override
        Outcome charge(String cardToken, String orderId) {
            Outcome outcome = super.charge(cardToken, orderId);
            charges.incrementAndGet();
            return outcome;
        }

        @Override
        void refund(String reference) {
            super.refund(reference);
            refunds.incrementAndGet();
        }
    }
}
