package io.orderflow.operations;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces bulk re-drives process-wide: at most {@code ratePerSecond} re-drives start per second, however many
 * bulk requests run at once, so putting back a thousand messages does not flood the consumers that just
 * recovered. Each caller reserves the next free slot and waits for it.
 */
final class RedriveRateLimiter {

    private final double ratePerSecond;
    private final long intervalNanos;
    private long nextSlot = Long.MIN_VALUE;

    RedriveRateLimiter(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("orderflow.dead-letters.redrive-rate must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.intervalNanos = (long) (Duration.ofSeconds(1).toNanos() / ratePerSecond);
    }

    double ratePerSecond() {
        return ratePerSecond;
    }

    /** Blocks until this caller may start one re-drive. */
    void acquire() {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = nextSlot == Long.MIN_VALUE || nextSlot - now < 0 ? now : nextSlot;
            nextSlot = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pacing a bulk re-drive");
            }
        }
    }
}
