package io.orderflow.payment;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.orderflow.messaging.DependencyUnavailableException;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The payment provider behind a circuit breaker ({@code resilience4j.circuitbreaker.instances.payment-provider}).
 * While the provider keeps failing, the breaker opens and calls fail fast, without reaching it, as a
 * {@link DependencyUnavailableException}: the transport retries the message with capped backoff and the
 * order waits in {@code payment_processing}. After the open wait, a few half-open probes go through; when
 * they succeed the breaker closes and the waiting orders complete. A declined card is an answer, not a
 * failure, and does not count against the provider.
 */
class PaymentGateway {

    static final String BREAKER = "payment-provider";

    private final PaymentProvider provider;
    private final CircuitBreaker breaker;

    PaymentGateway(PaymentProvider provider, CircuitBreaker breaker) {
        this.provider = provider;
        this.breaker = breaker;
    }

    PaymentProvider.Outcome charge(@Nullable String cardToken, String orderId) {
        return guarded(() -> provider.charge(cardToken, orderId));
    }

    void refund(String reference) {
        guarded(() -> {
            provider.refund(reference);
            return null;
        });
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    private <T extends @Nullable Object> T guarded(Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException e) {
            throw new DependencyUnavailableException(
                    "payment provider circuit breaker is "
                            + breaker.getState().name().toLowerCase(Locale.ROOT) + "; not calling it",
                    e);
        }
    }
}
