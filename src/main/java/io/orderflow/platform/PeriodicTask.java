package io.orderflow.platform;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background round run on its own daemon thread every {@code interval}, started and stopped with the
 * application. A round that reports more work is followed at once by the next; a failed round is logged and
 * tried again after the interval.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Duration interval;
    private volatile boolean running;
    private @Nullable Thread thread;

    protected PeriodicTask(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
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
                    Thread.sleep(interval.toMillis());
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
