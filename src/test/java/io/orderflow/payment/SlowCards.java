package io.orderflow.payment;

import java.util.List;
import java.util.function.Function;

/**
 * Holds {@code tok_slow} charges in running apps until the test releases them, so an order stays in
 * payment_processing exactly as long as the test needs (to cancel it there, to watch it from the start) instead of
 * racing the slow card's timer.
 */
public final class SlowCards implements AutoCloseable {

    private final List<PaymentProvider> providers;

    private SlowCards(List<PaymentProvider> providers) {
        this.providers = providers;
    }

    /** Holds slow cards in every app given (each app's beans), until {@link #release} or {@link #close}. */
    public static SlowCards hold(List<Function<Class<?>, Object>> apps) {
        List<PaymentProvider> providers = apps.stream()
                .map(beans -> (PaymentProvider) beans.apply(PaymentProvider.class))
                .toList();
        providers.forEach(PaymentProvider::holdSlowCards);
        return new SlowCards(providers);
    }

    /** The held charges go on now. */
    public void release() {
        providers.forEach(PaymentProvider::releaseSlowCards);
    }

    @Override
    public void close() {
        release();
    }
}
