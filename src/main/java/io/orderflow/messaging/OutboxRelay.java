package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes one module's outbox. Woken right after each commit that wrote to the outbox, so the hop costs
 * milliseconds; the periodic sweep only picks up what a crash or another instance left behind. Rows are
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so several instances of a module share the work, and are
 * deleted in the same transaction once the broker has confirmed them.
 */
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 256;
    private static final Duration UNROUTABLE_DELAY = Duration.ofSeconds(2);

    private final String module;
    private final String schema;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Transport transport;
    private final JsonMapper json;
    private final Duration sweepInterval;
    private final Object signal = new Object();
    private volatile boolean running;
    private boolean woken;
    private @Nullable Thread thread;

    OutboxRelay(
            String module,
            JdbcClient jdbc,
            TransactionTemplate tx,
            Transport transport,
            JsonMapper json,
            Outbox outbox,
            Duration sweepInterval) {
        this.module = module;
        this.schema = Modules.schemaOf(module);
        this.jdbc = jdbc;
        this.tx = tx;
        this.transport = transport;
        this.json = json;
        this.sweepInterval = sweepInterval;
        outbox.onCommit(module, this::wake);
    }

    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notify();
        }
    }

    void start() {
        running = true;
        thread = new Thread(this::run, "outbox-relay-" + module);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        wake();
        Thread current = thread;
        if (current == null) {
            return;
        }
        try {
            current.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long failures = 0;
        while (running) {
            try {
                int published = relayBatch();
                failures = 0;
                if (published == BATCH) {
                    continue;
                }
                awaitWake(sweepInterval.toMillis());
            } catch (RuntimeException e) {
                failures++;
                log.warn("Outbox relay for {} failed (attempt {}); retrying", module, failures, e);
                awaitWake(Math.min(5_000, 100L * (1L << Math.min(failures, 6))));
            }
        }
    }

    private void awaitWake(long millis) {
        synchronized (signal) {
            if (!woken && running) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
        }
    }

    /** One transaction: claim, publish with confirms, delete what the broker took. */
    int relayBatch() {
        Integer count = tx.execute(status -> {
            List<Row> rows = jdbc.sql("select id, message_id, type, version, order_id, causation_id, occurred_at, "
                            + "payload::text as payload, headers::text as headers from " + schema + ".outbox "
                            + "where next_attempt_at <= now() order by id limit " + BATCH + " for update skip locked")
                    .query((rs, n) -> new Row(
                            rs.getLong("id"),
                            new Envelope(
                                    rs.getObject("message_id", UUID.class),
                                    rs.getString("type"),
                                    rs.getInt("version"),
                                    rs.getString("order_id"),
                                    rs.getObject("causation_id", UUID.class),
                                    rs.getTimestamp("occurred_at").toInstant(),
                                    rs.getString("payload"),
                                    headers(rs.getString("headers")))))
                    .list();
            if (rows.isEmpty()) {
                return 0;
            }
            Set<UUID> unroutable =
                    transport.publish(rows.stream().map(Row::envelope).toList());
            Long[] published = rows.stream()
                    .filter(r -> !unroutable.contains(r.envelope().messageId()))
                    .map(Row::id)
                    .toArray(Long[]::new);
            jdbc.sql("delete from " + schema + ".outbox where id = any(?)")
                    .param(published)
                    .update();
            if (!unroutable.isEmpty()) {
                log.warn(
                        "{} message(s) from {} have no consumer queue bound yet; kept in the outbox: {}",
                        unroutable.size(),
                        module,
                        unroutable);
                jdbc.sql("update " + schema + ".outbox set next_attempt_at = ? where message_id = any(?)")
                        .params(
                                new Timestamp(System.currentTimeMillis() + UNROUTABLE_DELAY.toMillis()),
                                unroutable.toArray(UUID[]::new))
                        .update();
            }
            return rows.size();
        });
        return count == null ? 0 : count;
    }

    private Map<String, String> headers(String text) {
        return json.readValue(text, new TypeReference<Map<String, String>>() {});
    }

    private record Row(long id, Envelope envelope) {}
}
