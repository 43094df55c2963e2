package io.orderflow.messaging;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} is uniform in
 * {@code [0, min(cap, base * 2^(n-1))]}, so retries of many failed messages spread out instead of
 * arriving together.
 */
public record RetryPolicy(Duration base, Duration cap, int maxAttempts, int outageMaxAttempts) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (outageMaxAttempts < maxAttempts) {
            throw new IllegalArgumentException("outageMaxAttempts must be at least maxAttempts");
        }
    }

    public RetryPolicy(Duration base, Duration cap, int maxAttempts) {
        this(base, cap, maxAttempts, maxAttempts);
    }

    /** Whether a message that has failed {@code attempts} times may be tried again. */
    public boolean allowsAnotherAttempt(int attempts) {
        return attempts < maxAttempts;
    }

    /**
     * Whether a message that has failed {@code attempts} times, the last time with {@code error}, may be tried
     * again: a {@link DependencyUnavailableException} anywhere in the cause chain means an outage, which gets
     * the larger {@code outageMaxAttempts} budget (at the backoff cap, that is hours, not seconds).
     */
    public boolean allowsAnotherAttempt(int attempts, Throwable error) {
        return attempts < (isOutage(error) ? outageMaxAttempts : maxAttempts);
    }

    static boolean isOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DependencyUnavailableException) {
                return true;
            }
        }
        return false;
    }

    public Duration backoffAfter(int attempts) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(Math.max(attempts - 1, 0), 30)));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
