package io.orderflow.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.PeriodicTask;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Admission control for new orders: the shop accepts only what the pipeline can finish in time. The backlog is
 * measured, not assumed: every {@code sample-interval} the number of orders in flight is read from the orders
 * themselves, and the slow end of the recently finished orders' end-to-end times moves the limit on it
 * ({@link AdmissionLimit}).
 *
 * <p>A new order that finds the pipeline full waits at the door, before it takes a database connection, for at most
 * {@code max-wait}: until an order finishes here or the next count or limit makes room. A burst is so taken in as
 * the pipeline drains, instead of being sent away for a whole {@code Retry-After} (at least a second) while the
 * pipeline idles. An order still over the limit then is refused with 503 and {@code Retry-After} before anything is
 * written, so an overloaded shop answers within {@code max-wait} instead of letting every order wait for seconds.
 * The line at the door is no longer than the orders that finished here in {@code max-wait} at the last count (at
 * least one): an order that finds it full is refused at once, since it would not get in in time; under a sustained
 * overload the refusals so come at once, and the gateway sheds new orders in the share refused ({@code OrderShedding}).
 */
@Component
class Admission extends PeriodicTask {

    private final boolean enabled;
    private final AdmissionLimit policy;
    private final LongSupplier countInFlight;
    private final Recorder finished = new Recorder(3_600_000L, 2);
    /** Admitted orders whose placing transaction has not finished: in no count yet. */
    private final AtomicLong pending = new AtomicLong();
    /** Placing transactions committed so far, and how many of them the last count surely saw. */
    private final AtomicLong committed = new AtomicLong();

    private volatile long committedBeforeCount;
    private final AtomicLong finishedSinceSample = new AtomicLong();
    /** The most orders in flight at any admission since the last count: whether the limit was in use. */
    private final AtomicLong peakSinceSample = new AtomicLong();

    private final Counter refused;
    private volatile long inFlight;
    private volatile double limit;

    private final long maxWaitNanos;
    /** {@code max-wait} over {@code sample-interval}: finishes per count to the line's length. */
    private final double waitsPerInterval;
    /** How many orders may wait at the door: those that finished here in {@code max-wait}, at the last count. */
    private volatile long line = 1;
    /** Guards {@link #room}, which the orders waiting at the door wait on; signalled when room may have come. */
    private final ReentrantLock door = new ReentrantLock();

    private final Condition room = door.newCondition();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Orders through the door and not yet admitted or gone: their places are kept. */
    private final AtomicLong passes = new AtomicLong();
    /** Whether this thread's request holds one of those places. */
    private final ThreadLocal<Boolean> pass = ThreadLocal.withInitial(() -> false);

    @Autowired
    Admission(
            Orders orders,
            MeterRegistry meters,
            @Value("${orderflow.admission.enabled:true}") boolean enabled,
            @Value("${orderflow.admission.target-latency:500ms}") Duration target,
            @Value("${orderflow.admission.initial-limit:200}") int initial,
            @Value("${orderflow.admission.min-limit:8}") int min,
            @Value("${orderflow.admission.max-limit:10000}") int max,
            @Value("${orderflow.admission.sample-interval:250ms}") Duration interval,
            @Value("${orderflow.admission.max-wait:250ms}") Duration maxWait) {
        this(orders::inFlight, meters, enabled, new AdmissionLimit(target, min, max), initial, interval, maxWait);
    }

    /** @param countInFlight counts the orders accepted and not finished, in every instance */
    Admission(
            LongSupplier countInFlight,
            MeterRegistry meters,
            boolean enabled,
            AdmissionLimit policy,
            int initial,
            Duration interval,
            Duration maxWait) {
        super("order-admission", interval);
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("orderflow.admission.max-wait must not be negative, not " + maxWait);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("orderflow.admission.sample-interval must be positive, not " + interval);
        }
        this.countInFlight = countInFlight;
        this.enabled = enabled;
        this.policy = policy;
        this.limit = Math.max(policy.min(), Math.min(policy.max(), initial));
        this.maxWaitNanos = maxWait.toNanos();
        this.waitsPerInterval = (double) maxWait.toNanos() / interval.toNanos();
        Gauge.builder("orderflow.admission.limit", () -> limit)
                .description("Orders that may be in flight before new ones are refused")
                .register(meters);
        Gauge.builder("orderflow.admission.in.flight", () -> inFlight)
                .description("Orders accepted and not finished, at the last look")
                .register(meters);
        Gauge.builder("orderflow.admission.waiting", waiting, AtomicInteger::get)
                .description("New orders waiting at the door for the pipeline to make room")
                .register(meters);
        this.refused = Counter.builder("orderflow.admission.refused")
                .description("Orders refused because the pipeline was full (503)")
                .register(meters);
    }

    /**
     * Whether a new order may come in now; counts it in if so. In flight is the last count, plus the orders admitted
     * here whose placing transaction is still open or committed after that count began (some of which the count may
     * have seen already: that errs on the safe side), plus those through the door on their way here, minus those this
     * process saw finish since (another instance's are only seen at the next count). Must be called in the placing
     * transaction. Never waits: an order that came through the door ({@link #awaitRoom}) holds its place and is
     * admitted on it; one that did not (an order with an {@code Idempotency-Key}) is refused when there is no room.
     */
    boolean tryAdmit() {
        if (!enabled) {
            return true;
        }
        long estimate;
        if (pass.get()) {
            estimate = estimate(pending.incrementAndGet() + passes.get() - 1);
            passes.decrementAndGet();
            pass.set(false);
        } else {
            estimate = estimate(pending.incrementAndGet() + passes.get());
            if (estimate > limit) {
                pending.decrementAndGet();
                refused.increment();
                return false;
            }
        }
        peakSinceSample.accumulateAndGet(estimate, Math::max);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_COMMITTED) {
                        committed.incrementAndGet();
                        pending.decrementAndGet();
                    } else {
                        pending.decrementAndGet();
                        wake(false); // its place is free again
                    }
                }
            });
        } else {
            committed.incrementAndGet();
            pending.decrementAndGet();
        }
        return true;
    }

    /**
     * Lets a new order through the door: at once when the pipeline has room, else once it has made room, waiting at
     * most {@code max-wait}; false (counted as refused) when it has none by then. An order let through holds its place
     * until {@link #tryAdmit} takes it in, or until {@link #leave}, which the caller must call when the request ends,
     * whatever happened to it. Lets a request wait, or be refused, before it takes a database connection.
     */
    boolean awaitRoom() {
        if (!enabled || pass.get()) {
            return true;
        }
        if (takePlace() || (maxWaitNanos > 0 && waitForPlace())) {
            pass.set(true);
            return true;
        }
        refused.increment();
        return false;
    }

    /** Gives back the place this thread's request took at the door and did not use, if any. */
    void leave() {
        if (pass.get()) {
            pass.set(false);
            passes.decrementAndGet();
            wake(false);
        }
    }

    private boolean takePlace() {
        long through = passes.incrementAndGet();
        if (estimate(pending.get() + through) > limit) {
            passes.decrementAndGet();
            return false;
        }
        return true;
    }

    private boolean waitForPlace() {
        // before the look under the lock, so that a signaller sees this waiter
        if (waiting.incrementAndGet() > line) {
            waiting.decrementAndGet(); // the line is full: this order would not get in in time
            return false;
        }
        door.lock();
        try {
            long left = maxWaitNanos;
            while (!takePlace()) {
                if (left <= 0) {
                    return false;
                }
                left = room.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            door.unlock();
            waiting.decrementAndGet();
        }
    }

    /** Lets one waiting order (or all) look again: room may have come. */
    private void wake(boolean all) {
        if (waiting.get() == 0) {
            return;
        }
        door.lock();
        try {
            if (all) {
                room.signalAll();
            } else {
                room.signal();
            }
        } finally {
            door.unlock();
        }
    }

    private long estimate(long pendingWithThis) {
        return Math.max(
                0, inFlight + pendingWithThis + committed.get() - committedBeforeCount - finishedSinceSample.get());
    }

    /** An order reached its final state this long after it was accepted (called after the deciding commit). */
    void finished(Duration endToEnd) {
        finished.recordValue(Math.max(0, Math.min(endToEnd.toMillis(), 3_600_000L)));
        finishedSinceSample.incrementAndGet();
        wake(false);
    }

    /** How long a refused client should wait: the time the pipeline needs for its current backlog, roughly. */
    long retryAfterSeconds() {
        return Math.max(1, policy.target().toSeconds());
    }

    @Override
    protected boolean runOnce() {
        if (!enabled) {
            return false;
        }
        // orders committed before the count begins are surely in it; those committed during it may be (counted
        // twice until the next count: the safe side)
        long committedBefore = committed.get();
        long now = countInFlight.getAsLong();
        Histogram recent = finished.getIntervalHistogram();
        Duration slowEnd = recent.getTotalCount() == 0 ? null : Duration.ofMillis(recent.getValueAtPercentile(90));
        line = Math.max(1, (long) Math.ceil(recent.getTotalCount() * waitsPerInterval));
        finishedSinceSample.set(0);
        long peak = Math.max(now, peakSinceSample.getAndSet(0));
        inFlight = now;
        committedBeforeCount = committedBefore; // after the count it belongs to: a reader in between counts more
        limit = policy.next(limit, peak, slowEnd);
        wake(true); // another instance's orders may have finished, or the limit grown
        return false;
    }

    double limit() {
        return limit;
    }
}
