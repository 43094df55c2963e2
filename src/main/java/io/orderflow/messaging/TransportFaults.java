package io.orderflow.messaging;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's hooks for the chaos harness's transport faults, off by default and switched only through the
 * runtime chaos controls ({@link ChaosFault#CONTROLS_ENABLED}). Duplicate delivery: the {@link Dispatcher} puts every
 * message it applies back on its module's queue once more, so every transport delivers it twice and the inbox must
 * drop the second. Reordered delivery: the PostgreSQL queue transport (and the Redis Streams one) makes a seeded
 * fraction of the messages it enqueues available only after a random delay, and the RabbitMQ transport parks a seeded
 * fraction of the messages it is delivered on a delay queue, so later messages overtake them.
 */
public class TransportFaults {

    private volatile boolean duplicating;
    private volatile @Nullable BiConsumer<String, Envelope> redelivery;
    private volatile @Nullable HoldBack holdBack;
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong heldBack = new AtomicLong();

    /**
     * Which messages are held back and for how long: each message enqueued draws from one random stream seeded
     * with {@code seed}; with probability {@code fraction} it is held back 1 ms to {@code maxDelay}. The stream is
     * deterministic, which message draws which value is not (consumers and publishers run concurrently).
     */
    public static final class HoldBack {

        private final double fraction;
        private final Duration maxDelay;
        private final long seed;
        private final Random random;

        public HoldBack(double fraction, Duration maxDelay, long seed) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in [0, 1], not " + fraction);
            }
            if (maxDelay.toMillis() < 1 || maxDelay.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("max_delay must be 1ms..1m, not " + maxDelay);
            }
            this.fraction = fraction;
            this.maxDelay = maxDelay;
            this.seed = seed;
            this.random = new Random(seed);
        }

        /** The next message's delay: zero (not held back) or 1 ms..maxDelay. */
        public Duration next() {
            synchronized (random) {
                if (random.nextDouble() >= fraction) {
                    return Duration.ZERO;
                }
                return Duration.ofMillis(1 + random.nextLong(maxDelay.toMillis()));
            }
        }

        public double fraction() {
            return fraction;
        }

        public Duration maxDelay() {
            return maxDelay;
        }

        public long seed() {
            return seed;
        }
    }

    /** Whether the dispatcher delivers every applied message once more. */
    public boolean duplicating() {
        return duplicating;
    }

    /** How a duplicated message goes back to its module's queue: the transport's re-delivery, set when it starts. */
    void redeliverThrough(BiConsumer<String, Envelope> redelivery) {
        this.redelivery = redelivery;
    }

    /**
     * The duplicate fault: {@code envelope}, just applied by {@code module}, once more on that module's queue (in the
     * applying transaction where the transport allows it), as a broker that redelivers an acknowledged message.
     */
    void duplicate(String module, Envelope envelope) {
        BiConsumer<String, Envelope> current = redelivery;
        if (current == null) {
            throw new IllegalStateException("the duplicate fault is on before the transport started");
        }
        current.accept(module, envelope);
        duplicated.incrementAndGet();
    }

    void duplicate(boolean on) {
        if (on && !duplicating) {
            duplicated.set(0);
        }
        duplicating = on;
    }

    long duplicatedCount() {
        return duplicated.get();
    }

    /** Whether the reorder fault is on: a transport that batches deliveries takes them one by one meanwhile. */
    public boolean holdingBack() {
        return holdBack != null;
    }

    /** For the transport: how long to hold back the message it enqueues now ({@link Duration#ZERO}: not at all). */
    public Duration holdBack() {
        HoldBack current = holdBack;
        if (current == null) {
            return Duration.ZERO;
        }
        Duration delay = current.next();
        if (!delay.isZero()) {
            heldBack.incrementAndGet();
        }
        return delay;
    }

    void reorder(@Nullable HoldBack settings) {
        if (settings != null) {
            heldBack.set(0);
        }
        holdBack = settings;
    }

    @Nullable
    HoldBack reordering() {
        return holdBack;
    }

    long heldBackCount() {
        return heldBack.get();
    }
}
