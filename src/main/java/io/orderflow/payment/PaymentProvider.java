package io.orderflow.payment;

import io.orderflow.messaging.DependencyUnavailableException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A stand-in for a card processor. Test cards behave deterministically; {@code failure-rate} makes the
 * provider unavailable at random (a transient fault, retried), {@code latency} makes every call slow, and
 * {@code orderflow.payment.provider.down=true} (or {@link #setDown} at runtime) takes it down altogether:
 * an outage, for demos and tests of the circuit breaker in {@link PaymentGateway}.
 */
@Component
public class PaymentProvider {

    static final String DECLINED_CARD = "tok_chargeDeclined";
    /** Approved, but only after {@code slow-card-latency}: holds an order in payment_processing. */
    static final String SLOW_CARD = "tok_slow";

    sealed interface Outcome {}

    record Approved(String reference) implements Outcome {}

    record Declined(String reason) implements Outcome {}

    /** The provider did not answer: nothing is known to be charged, the call may be tried again. */
    static final class Unavailable extends DependencyUnavailableException {
        Unavailable() {
            super("payment provider unavailable (simulated)");
        }
    }

    private final Duration latency;
    private final Duration slowCardLatency;
    private volatile double failureRate;
    private volatile boolean down;

    PaymentProvider(
            @Value("${orderflow.payment.provider.latency:0ms}") Duration latency,
            @Value("${orderflow.payment.provider.slow-card-latency:3s}") Duration slowCardLatency,
            @Value("${orderflow.payment.provider.failure-rate:0}") double failureRate,
            @Value("${orderflow.payment.provider.down:false}") boolean down) {
        this.latency = latency;
        this.slowCardLatency = slowCardLatency;
        this.failureRate = failureRate;
        this.down = down;
    }

    /** Takes the simulated provider down (every call fails as unavailable) or brings it back. */
    public void setDown(boolean down) {
        this.down = down;
    }

    /**
     * Operator/demo switch: changes the simulated unavailability at runtime, e.g. to show a fault being
     * fixed and its dead letters re-driven. Not an API; reached from tests and a debugger.
     */
    void failureRate(double rate) {
        this.failureRate = rate;
    }

    /** Charges the card; no token means the default test card, which is approved. */
    Outcome charge(@Nullable String cardToken, String orderId) {
        simulateLatency(SLOW_CARD.equals(cardToken) ? slowCardLatency : latency);
        failIfUnavailable();
        if (DECLINED_CARD.equals(cardToken)) {
            return new Declined("card_declined");
        }
        return new Approved("ch_" + orderId.hashCode() + "_" + Long.toHexString(System.nanoTime()));
    }

    void refund(String reference) {
        simulateLatency(latency);
        failIfUnavailable();
    }

    private void failIfUnavailable() {
        if (down || (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate)) {
            throw new Unavailable();
        }
    }

    private static void simulateLatency(Duration latency) {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
