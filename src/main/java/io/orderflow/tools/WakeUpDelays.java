package io.orderflow.tools;

import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * How late a thread of the load generator wakes from a 1 ms sleep, recorded for as long as the load generator runs.
 * A thread that wakes on a machine whose cores are all taken waits for one, and so does every other thread woken on
 * that machine at that moment: a consumer handed a message, a PostgreSQL backend handed a query, a broker handed a
 * publish. A latency tail that comes with long wake-up delays was held up by the machine (its cores, or a hypervisor
 * that took them, {@link Cpu.Usage#machineStealPercent}), not by one step of the application.
 */
final class WakeUpDelays {

    private static final long SLEEP_NANOS = 1_000_000L;
    /** The longest delay recorded, in microseconds; longer ones count as this. */
    private static final long HIGHEST_MICROS = 60_000_000L;

    private final Histogram micros = new SynchronizedHistogram(HIGHEST_MICROS, 2);

    private WakeUpDelays() {}

    /** Records from now on, on a daemon thread of its own. */
    static WakeUpDelays start() {
        WakeUpDelays delays = new WakeUpDelays();
        Thread thread = new Thread(delays::run, "wake-up-delays");
        thread.setDaemon(true);
        thread.start();
        return delays;
    }

    /** Records nothing: for samples taken without the thread. */
    static WakeUpDelays none() {
        return new WakeUpDelays();
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            long before = System.nanoTime();
            LockSupport.parkNanos(SLEEP_NANOS);
            record(System.nanoTime() - before - SLEEP_NANOS);
        }
    }

    void record(long lateNanos) {
        micros.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, lateNanos / 1_000)));
    }

    /** Every delay recorded so far. */
    Histogram snapshot() {
        return micros.copy();
    }

    /** The delays recorded between two snapshots. */
    static Histogram between(Histogram before, Histogram after) {
        Histogram delays = after.copy();
        delays.subtract(before);
        return delays;
    }
}
