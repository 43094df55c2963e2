package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import io.orderflow.platform.PeriodicTask;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps each module's inbox from growing forever: message ids older than {@code orderflow.messaging.inbox.retention}
 * (14 days) are forgotten, in bounded batches. Redeliveries come within minutes to about an hour (the outage
 * retry budget), far inside the window; and every participant is also idempotent per order, so a duplicate
 * arriving after the window still changes nothing.
 */
public class InboxRetention extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);
    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final List<String> modules;
    private final Duration retention;

    InboxRetention(JdbcClient jdbc, List<String> modules, Duration retention, Duration interval) {
        super("inbox-retention", interval);
        this.jdbc = jdbc;
        this.modules = List.copyOf(modules);
        this.retention = retention;
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
            } while (deleted == BATCH && isRunning());
        }
        return purged;
    }

    @Override
    protected boolean runOnce() {
        int purged = purgeOnce();
        if (purged > 0) {
            log.info("Forgot {} inbox message id(s) older than {}", purged, retention);
        }
        return false;
    }
}
