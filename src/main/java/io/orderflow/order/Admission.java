package io.orderflow.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.PeriodicTask;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Admission control for new orders: the shop accepts only what the pipeline can finish in time. The backlog is
 * measured, not assumed: every {@code sample-interval} the number of orders in flight is read from the orders
 * themselves, and the slow end of the recently finished orders' end-to-end times moves the limit on it
 * ({@link AdmissionLimit}). An order over the limit is refused with 503 and {@code Retry-After} before anything is
 * written, so an overloaded shop answers at once instead of letting every order wait for seconds.
 */
@Component
class Admission extends PeriodicTask {

    private final boolean enabled;
    private final AdmissionLimit policy;
    private final Orders orders;
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

    Admission(
            Orders orders,
            MeterRegistry meters,
            @Value("${orderflow.admission.enabled:true}") boolean enabled,
            @Value("${orderflow.admission.target-latency:500ms}") Duration target,
            @Value("${orderflow.admission.initial-limit:200}") int initial,
            @Value("${orderflow.admission.min-limit:8}") int min,
            @Value("${orderflow.admission.max-limit:10000}") int max,
            @Value("${orderflow.admission.sample-interval:250ms}") Duration interval) {
        super("order-admission", interval);
        this.orders = orders;
        this.enabled = enabled;
        this.policy = new AdmissionLimit(target, min, max);
        this.limit = Math.max(min, Math.min(max, initial));
        Gauge.builder("orderflow.admission.limit", () -> limit)
                .description("Orders that may be in flight before new ones are refused")
                .register(meters);
        Gauge.builder("orderflow.admission.in.flight", () -> inFlight)
                .description("Orders accepted and not finished, at the last look")
                .register(meters);
        this.refused = Counter.builder("orderflow.admission.refused")
                .description("Orders refused because the pipeline was full (503)")
                .register(meters);
    }

    /**
     * Whether a new order may come in now; counts it in if so. In flight is the last count, plus the orders admitted
     * here whose placing transaction is still open or committed after that count began (some of which the count may
     * have seen already: that errs on the safe side), minus those this process saw finish since (another instance's
     * are only seen at the next count). Must be called in the placing transaction.
     */
    boolean tryAdmit() {
        if (!enabled) {
            return true;
        }
        long estimate = estimate(pending.incrementAndGet());
        if (estimate > limit) {
            pending.decrementAndGet();
            refused.increment();
            return false;
        }
        peakSinceSample.accumulateAndGet(estimate, Math::max);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_COMMITTED) {
                        committed.incrementAndGet();
                    }
                    pending.decrementAndGet();
                }
            });
        } else {
            committed.incrementAndGet();
            pending.decrementAndGet();
        }
        return true;
    }

    /**
     * Whether an order would be refused now (counted as refused if so), without counting one in: lets a request
     * be refused before it takes a database connection. {@link #tryAdmit} decides, in the placing transaction.
     */
    boolean full() {
        if (enabled && estimate(pending.get() + 1) > limit) {
            refused.increment();
            return true;
        }
        return false;
    }

    private long estimate(long pendingWithThis) {
        return Math.max(
                0, inFlight + pendingWithThis + committed.get() - committedBeforeCount - finishedSinceSample.get());
    }

    /** An order reached its final state this long after it was accepted (called after the deciding commit). */
    void finished(Duration endToEnd) {
        finished.recordValue(Math.max(0, Math.min(endToEnd.toMillis(), 3_600_000L)));
        finishedSinceSample.incrementAndGet();
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
        long now = orders.inFlight();
        Histogram recent = finished.getIntervalHistogram();
        Duration slowEnd = recent.getTotalCount() == 0 ? null : Duration.ofMillis(recent.getValueAtPercentile(90));
        finishedSinceSample.set(0);
        long peak = Math.max(now, peakSinceSample.getAndSet(0));
        inFlight = now;
        committedBeforeCount = committedBefore; // after the count it belongs to: a reader in between counts more
        limit = policy.next(limit, peak, slowEnd);
        return false;
    }

    double limit() {
        return limit;
    }
}
