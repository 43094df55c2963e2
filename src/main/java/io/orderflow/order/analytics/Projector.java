package io.orderflow.order.analytics;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the projections caught up in the background: every {@code orderflow.projections.interval}, and soon after
 * an order changes anywhere (the order module's change announcement wakes it; wake-ups coalesce). Off with
 * {@code orderflow.projections.enabled=false}: then only {@link Projections#catchUp} (tests) and replay move them.
 */
public final class Projector implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Projector.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COALESCE = Duration.ofMillis(50);

    private final Projections projections;
    private final Duration interval;
    private final boolean enabled;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private @Nullable Thread thread;

    public Projector(Projections projections, Duration interval, boolean enabled) {
        this.projections = projections;
        this.interval = interval;
        this.enabled = enabled;
    }

    /** Something was written: project soon (several calls before the next round make one round). */
    public void wake() {
        if (running && wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void loop() {
        while (running) {
            try {
                for (String name : projections.names()) {
                    projections.catchUp(name, true);
                }
            } catch (RuntimeException e) {
                log.warn("Projecting the order history failed; trying again in {}", interval, e);
            }
            try {
                if (wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                    Thread.sleep(COALESCE.toMillis()); // the changes of the next moments join this round
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isAutoStartup() {
        return enabled;
    }

    @Override
    public void start() {
        running = true;
        Thread started = new Thread(this::loop, "projector");
        started.setDaemon(true);
        thread = started;
        started.start();
    }

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
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
