package io.orderflow.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.LocalApp;
import io.orderflow.messaging.Outbox;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A refund for an order that was never charged (a cancel or a deadline that overtook the charge) voids the
 * order's payment, so a charge arriving later is declined rather than taken; the void is in the order's own
 * currency, or in ISO 4217's "no currency" when the command does not say. End to end through the messaging
 * kernel, as the order module sends it; the rules themselves are pinned down in {@link PaymentRulesIntegrationTest}.
 */
class PaymentVoidIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of());

    @Test
    void voidsInTheOrdersCurrency() {
        String orderId = "void-" + UUID.randomUUID();

        send(new RefundPayment(orderId, "EUR"));

        assertThat(awaitPayment(orderId)).isEqualTo("voided EUR 0.00");
    }

    @Test
    void voidsInNoCurrencyWhenTheCommandDoesNotSay() {
        String orderId = "void-" + UUID.randomUUID();

        send(new RefundPayment(orderId, null));

        assertThat(awaitPayment(orderId)).isEqualTo("voided XXX 0.00");
    }

    private static void send(RefundPayment command) {
        Outbox outbox = local.app().bean(Outbox.class);
        new TransactionTemplate(local.app().bean(PlatformTransactionManager.class))
                .executeWithoutResult(tx -> outbox.send("order", command, command.orderId(), null));
    }

    /** The order's payment row once the payment module applied the command: status, currency, amount. */
    private static String awaitPayment(String orderId) {
        return Awaitility.await("the payment module voids " + orderId)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> local.app()
                                .jdbc()
                                .sql("select status || ' ' || currency || ' ' || amount from payment.payment "
                                        + "where order_id = ?")
                                .param(orderId)
                                .query(String.class)
                                .optional(),
                        Optional::isPresent)
                .orElseThrow();
    }
}
