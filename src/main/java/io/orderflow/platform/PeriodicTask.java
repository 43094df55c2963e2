package io.orderflow.platform;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background round run on its own daemon thread every {@code interval}, started and stopped with the
 * application. A round that reports more work is followed at once by the next; a failed round is logged and
 * tried again after the interval. {@link #wake} starts the next round early, after {@code linger}, during which
 * further wake-ups join it.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Duration interval;
    private final Duration linger;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private @Nullable Thread thread;

    protected PeriodicTask(String name, Duration interval) {
        this(name, interval, Duration.ZERO);
    }

    /** @param linger how long a round asked for by {@link #wake} waits for the work that follows the wake-up */
    protected PeriodicTask(String name, Duration interval, Duration linger) {
        if (linger.isNegative()) {
            throw new IllegalArgumentException(name + ": the linger must not be negative, was " + linger);
        }
        this.name = name;
        this.interval = interval;
        this.linger = linger;
    }

    /** There is work: the next round starts within {@code linger} rather than the interval (wake-ups coalesce). */
    public void wake() {
        if (running && wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** One round; returns true when there may be more work right away. */
    protected abstract boolean runOnce();

    private void loop() {
        while (running) {
            boolean more;
            try {
                more = runOnce();
            } catch (RuntimeException e) {
                log.warn("{} failed; trying again in {}", name, interval, e);
                more = false;
            }
            if (!more) {
                try {
                    if (wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                        Thread.sleep(linger.toMillis()); // the work of the next moments joins this round
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the task: once this returns, no round is running and none will start (a round is given 10 s). */
    @Override
    public void stop() {
        running = false;
        Thread current = thread;
        if (current != null) {
            current.interrupt();
            try {
                current.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (current.isAlive()) {
                log.warn("{} did not stop within {}", name, STOP_TIMEOUT);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
