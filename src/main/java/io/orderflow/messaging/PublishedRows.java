package io.orderflow.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The outbox rows a relay has published (the broker confirmed them) and not deleted yet. They are deleted together,
 * once the oldest has waited {@code delay} or {@code max} of them have gathered, so that one statement and one commit
 * remove the rows of many hand-offs instead of one commit per published batch. A row whose delete is lost (the process
 * dies first) is published again by the sweep after {@link Outbox#HANDOFF_GRACE}, and the consumer's inbox drops that
 * second copy. Used by one relay's thread only; times are {@link System#nanoTime()} values.
 */
final class PublishedRows {

    private final long delayNanos;
    private final int max;
    private final List<UUID> ids = new ArrayList<>();
    private long oldestAt;

    PublishedRows(Duration delay, int max) {
        if (delay.isNegative() || max < 1) {
            throw new IllegalArgumentException("need a delay >= 0 and max >= 1, not " + delay + ", " + max);
        }
        this.delayNanos = delay.toNanos();
        this.max = max;
    }

    /** Rows of a batch the broker has just confirmed, at {@code now}. */
    void add(Collection<UUID> confirmed, long now) {
        if (confirmed.isEmpty()) {
            return;
        }
        if (ids.isEmpty()) {
            oldestAt = now;
        }
        ids.addAll(confirmed);
    }

    /** Whether the rows should be deleted now: the oldest has waited long enough, or enough have gathered. */
    boolean due(long now) {
        return !ids.isEmpty() && (ids.size() >= max || now - oldestAt >= delayNanos);
    }

    /** How long until {@link #due} turns true without more rows; {@link Long#MAX_VALUE} while there are none. */
    long nanosUntilDue(long now) {
        if (ids.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return ids.size() >= max ? 0 : Math.max(0, oldestAt + delayNanos - now);
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    /** The ids waiting for their delete; {@link #deleted} once the delete committed (kept if it failed). */
    UUID[] ids() {
        return ids.toArray(UUID[]::new);
    }

    void deleted() {
        ids.clear();
    }
}
