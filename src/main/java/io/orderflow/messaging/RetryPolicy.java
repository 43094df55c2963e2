package io.orderflow.messaging;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} is uniform in
 * {@code [0, min(cap, base * 2^(n-1))]}, so retries of many failed messages spread out instead of
 * arriving together.
 */
public record RetryPolicy(Duration base, Duration cap, int maxAttempts) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Whether a message that has failed {@code attempts} times may be tried again. */
    public boolean allowsAnotherAttempt(int attempts) {
        return attempts < maxAttempts;
    }

    public Duration backoffAfter(int attempts) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(Math.max(attempts - 1, 0), 30)));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
