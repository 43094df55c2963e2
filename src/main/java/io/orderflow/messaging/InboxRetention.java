package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps each module's inbox from growing forever: message ids older than {@code orderflow.messaging.inbox.retention}
 * (14 days) are forgotten, in bounded batches. Redeliveries come within minutes to about an hour (the outage
 * retry budget), far inside the window; and every participant is also idempotent per order, so a duplicate
 * arriving after the window still changes nothing.
 */
public class InboxRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);
    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final List<String> modules;
    private final Duration retention;
    private final Duration interval;
    private volatile boolean running;
    private Thread thread;

    InboxRetention(JdbcClient jdbc, List<String> modules, Duration retention, Duration interval) {
        this.jdbc = jdbc;
        this.modules = List.copyOf(modules);
        this.retention = retention;
        this.interval = interval;
    }

    /** Forgets expired message ids in every module this process runs; returns how many. */
    public int purgeOnce() {
        int purged = 0;
        for (String module : modules) {
            String inbox = Modules.schemaOf(module) + ".inbox";
            int deleted;
            do {
                deleted = jdbc.sql("delete from " + inbox + " where message_id in (select message_id from " + inbox
                        + " where received_at < now() - ? * interval '1 second' limit " + BATCH + ")")
                        .param(retention.toSeconds())
                        .update();
                purged += deleted;
            } while (deleted == BATCH && running);
        }
        return purged;
    }

    private void run() {
        while (running) {
            try {
                int purged = purgeOnce();
                if (purged > 0) {
                    log.info("Forgot {} inbox message id(s) older than {}", purged, retention);
                }
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Inbox retention failed; trying again in {}", interval, e);
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "inbox-retention");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
