package io.orderflow.messaging.postgres;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the consumers of one queue claim, and how: one message per message announced in this process (a commit wakes
 * exactly as many consumers as it enqueued), or until the queue is empty (a drain) when the number is not known: a
 * wake from another process, a retry coming due, and at least once per poll interval.
 *
 * <p>The poll is the queue's, not a consumer's: the queue is drained once the last drain is a poll interval old, by a
 * consumer that waited that long or by the next one woken after it. A poll per consumer, counted from its own last
 * wake, never came while announcements kept the consumers busy, and a message nobody announced then stayed: a claim
 * for one message takes the oldest, so each announced message waited for the next one to be claimed in its place.
 * After the benchmark's overload phase one such message per queue made every message of that queue wait as long as
 * the gap between two of them, through the whole next phase (docs/benchmarks.md, 2026-12-05).
 */
final class Wakeups {

    /** How a woken consumer claims: one message (it was announced), or until the queue is empty. */
    enum Claim {
        ONE,
        DRAIN
    }

    private final long pollNanos;
    private final LongSupplier nanoTime;

    private final Object signal = new Object();
    /** Messages announced in this process and not claimed yet, as far as the consumers know. */
    private int permits;
    /** Messages arrived whose number nobody said (another process's): drain the queue. */
    private boolean drain;
    /** Set while the transport stops: no consumer waits any more. */
    private boolean stopping;

    private int waiting;
    /** Whether a retry this process scheduled is pending, and when the earliest comes due (nanoTime). */
    private boolean retryPending;

    private long dueAt;
    /** When a consumer last set out to drain the queue (nanoTime). */
    private long drainedAt;

    Wakeups(Duration pollInterval, LongSupplier nanoTime) {
        this.pollNanos = Math.max(1, pollInterval.toNanos());
        this.nanoTime = nanoTime;
        this.drainedAt = nanoTime.getAsLong();
    }

    /** {@code messages} new messages: wakes that many waiting consumers, no more. */
    void wake(int messages) {
        synchronized (signal) {
            permits += messages;
            for (int i = 0; i < Math.min(messages, waiting); i++) {
                signal.notify();
            }
        }
    }

    /** Wakes every consumer and keeps them from waiting again (to stop). */
    void wakeAll() {
        synchronized (signal) {
            stopping = true;
            signal.notifyAll();
        }
    }

    /** Consumers wait for announcements again (to start). */
    void open() {
        synchronized (signal) {
            stopping = false;
        }
    }

    /** Messages whose number is not known: the next consumer drains the queue. */
    void wakeToDrain() {
        synchronized (signal) {
            drain = true;
            signal.notify();
        }
    }

    /** A message this process put back for a retry comes due in {@code delay}. */
    void dueIn(Duration delay) {
        synchronized (signal) {
            long at = nanoTime.getAsLong() + delay.toNanos();
            dueAt = retryPending && dueAt - at < 0 ? dueAt : at;
            retryPending = true;
        }
    }

    /**
     * Waits for an announcement, at most until the queue's next poll is due or a retry comes due, and says how to
     * claim. Announced messages are claimed one by one before a drain that was asked for ({@link #wakeToDrain}), as
     * every drain ends with a claim that finds nothing; but a consumer woken for one message drains instead when the
     * queue's last drain is a poll interval old.
     */
    Claim await() {
        synchronized (signal) {
            while (permits == 0 && !drain && !stopping) {
                long now = nanoTime.getAsLong();
                if (retryPending && now - dueAt >= 0) {
                    retryPending = false;
                    return drained(now);
                }
                long left = Math.min(drainedAt + pollNanos - now, retryPending ? dueAt - now : Long.MAX_VALUE);
                if (left <= 0) {
                    return drained(now);
                }
                waiting++;
                try {
                    signal.wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Claim.DRAIN;
                } finally {
                    waiting--;
                }
            }
            long now = nanoTime.getAsLong();
            if (stopping || now - drainedAt >= pollNanos) {
                return drained(now);
            }
            if (permits > 0) { // before a drain asked for: a drain ends with a claim that finds nothing
                permits--;
                return Claim.ONE;
            }
            return drained(now);
        }
    }

    /** Announced messages no consumer has set out to claim yet. */
    int permits() {
        synchronized (signal) {
            return permits;
        }
    }

    /**
     * A draining consumer claimed a message: if messages were announced, count it as one of them. A drain takes the
     * announced messages along with the others, and their announcements would otherwise be left for claims that find
     * nothing (in an overload, one per message a drain took).
     */
    void tookOne() {
        synchronized (signal) {
            if (permits > 0) {
                permits--;
            }
        }
    }

    /** A drain starts now. Holds {@code signal}. */
    private Claim drained(long now) {
        drain = false;
        drainedAt = now;
        return Claim.DRAIN;
    }
}
