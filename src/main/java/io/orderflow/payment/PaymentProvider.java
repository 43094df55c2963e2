package io.orderflow.payment;

import io.orderflow.messaging.DependencyUnavailableException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
    /**
     * Approved, but only after {@code slow-card-latency}, or, while slow cards are {@linkplain #holdSlowCards held},
     * once they are released: holds an order in payment_processing.
     */
    static final String SLOW_CARD = "tok_slow";
    /** The longest a held slow card waits for its release, so a hold nobody lifts cannot keep a consumer forever. */
    static final Duration HOLD_LIMIT = Duration.ofSeconds(60);

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
    private volatile @Nullable CountDownLatch slowCardHold;

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

    /**
     * Test and demo switch: from now on a slow card's charge waits until {@link #releaseSlowCards} (at most {@link
     * #HOLD_LIMIT}) instead of for {@code slow-card-latency}, so a test decides when the order leaves payment_processing
     * instead of racing a timer. Not an API; reached from tests.
     */
    synchronized void holdSlowCards() {
        if (slowCardHold == null) {
            slowCardHold = new CountDownLatch(1);
        }
    }

    /** Lets every held slow-card charge go on, and the ones after it take {@code slow-card-latency} again. */
    synchronized void releaseSlowCards() {
        CountDownLatch hold = slowCardHold;
        slowCardHold = null;
        if (hold != null) {
            hold.countDown();
        }
    }

    /** Charges the card; no token means the default test card, which is approved. */
    Outcome charge(@Nullable String cardToken, String orderId) {
        CountDownLatch hold = slowCardHold;
        if (SLOW_CARD.equals(cardToken) && hold != null) {
            awaitRelease(hold);
        } else {
            simulateLatency(SLOW_CARD.equals(cardToken) ? slowCardLatency : latency);
        }
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

    private static void awaitRelease(CountDownLatch hold) {
        try {
            hold.await(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
