package io.orderflow.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.Journal.Entry;
import io.orderflow.platform.Modules;
import io.orderflow.platform.PeriodicTask;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes journal entries: either at once on the caller's connection ({@link #writeNow}, the in-transaction mode),
 * or, in the batched mode, from a bounded buffer that a background thread empties every
 * {@code orderflow.journal.flush-interval} into one multi-row insert per module and one commit for all of them.
 *
 * <p>The buffer never holds up the work it describes: when it is full (the database has been unreachable for a
 * while), new entries are dropped and counted ({@code orderflow.journal.dropped}); a batch that failed to write is
 * kept and tried again. Stopping the application writes what is left; a process that is killed loses at most the
 * entries of its last flush interval.
 */
public class JournalWriter extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final String instance;
    private final int batchSize;
    private final BlockingQueue<Entry> buffer;
    private final Counter dropped;
    private final boolean batched;
    private final Duration flushInterval;
    /** Entries taken from the buffer whose write failed: written first next time (guarded by this). */
    private final List<Entry> unwritten = new ArrayList<>();

    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);
    private @Nullable Instant lastFailureLogged;

    JournalWriter(
            JdbcClient jdbc,
            TransactionTemplate tx,
            String instance,
            boolean batched,
            Duration flushInterval,
            int capacity,
            int batchSize,
            MeterRegistry meters) {
        super("journal-writer", flushInterval);
        this.jdbc = jdbc;
        this.tx = tx;
        this.instance = instance;
        this.batched = batched;
        this.flushInterval = flushInterval;
        this.batchSize = batchSize;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.dropped = meters.counter("orderflow.journal.dropped");
        Gauge.builder("orderflow.journal.buffered", buffer, BlockingQueue::size).register(meters);
    }

    /** True when entries are buffered and written in batches, false when they are written in the transaction. */
    boolean batched() {
        return batched;
    }

    /** Takes entries for the next batch; drops (and counts) those that do not fit. */
    void offer(List<Entry> entries) {
        int lost = 0;
        for (Entry entry : entries) {
            if (!buffer.offer(entry)) {
                lost++;
            }
        }
        if (lost > 0) {
            dropped.increment(lost);
            log.warn("journal buffer full: {} entries dropped (is the database reachable?)", lost);
        }
    }

    /** Writes every buffered entry now, on the calling thread. */
    public synchronized void flush() {
        while (writeBatch() >= batchSize) {
            // a full batch: more may be waiting
        }
    }

    @Override
    protected boolean runOnce() {
        synchronized (this) {
            try {
                // a full batch may mean more is waiting: go again at once
                return writeBatch() >= batchSize;
            } catch (RuntimeException e) {
                // the database is away: say so once a minute, not five times a second; the batch is kept
                Instant now = Instant.now();
                if (lastFailureLogged == null || now.isAfter(lastFailureLogged.plus(FAILURE_LOG_INTERVAL))) {
                    lastFailureLogged = now;
                    log.warn(
                            "journal: {} entries not written yet, trying again every {}",
                            unwritten.size() + buffer.size(),
                            flushInterval,
                            e);
                }
                return false;
            }
        }
    }

    /** Writes up to one batch; returns how many entries it wrote. */
    private int writeBatch() {
        List<Entry> batch = new ArrayList<>(unwritten);
        unwritten.clear();
        buffer.drainTo(batch, Math.max(0, batchSize - batch.size()));
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            tx.executeWithoutResult(status -> writeNow(batch));
        } catch (RuntimeException e) {
            unwritten.addAll(batch);
            throw e;
        }
        return batch.size();
    }

    @Override
    public void stop() {
        super.stop();
        if (batched) {
            try {
                flush();
            } catch (RuntimeException e) {
                log.warn("journal: {} entries not written at shutdown", unwritten.size() + buffer.size(), e);
            }
        }
    }

    @Override
    public boolean isAutoStartup() {
        return batched;
    }

    @Override
    public int getPhase() {
        // started before the transports (phase 0) and stopped after them, so their last entries are written
        return -100;
    }

    /** Writes entries on the current connection (in its transaction, if there is one): one statement per module. */
    void writeNow(List<Entry> entries) {
        Map<String, List<Entry>> byModule = new LinkedHashMap<>();
        for (Entry entry : entries) {
            byModule.computeIfAbsent(entry.module(), m -> new ArrayList<>()).add(entry);
        }
        byModule.forEach(this::insert);
    }

    private void insert(String module, List<Entry> entries) {
        int size = entries.size();
        // every column as text, cast in SQL: one array parameter per column, whatever the driver's array support
        @Nullable String[][] columns = new String[11][size];
        for (int i = 0; i < size; i++) {
            Entry e = entries.get(i);
            Journal.Message message = e.message();
            columns[0][i] = e.at().toString();
            columns[1][i] = e.kind().wireName();
            columns[2][i] = message.id().toString();
            columns[3][i] =
                    message.causationId() == null ? null : message.causationId().toString();
            columns[4][i] = message.type();
            columns[5][i] = message.orderId();
            columns[6][i] = e.attempt() == null ? null : e.attempt().toString();
            columns[7][i] = millis(e.inQueue());
            columns[8][i] = millis(e.inHandler());
            columns[9][i] = message.traceId();
            columns[10][i] = e.detail() == null ? null : abbreviate(e.detail());
        }
        // the schema comes from the module registry, never from input; every value is a bound array parameter
        jdbc.sql("insert into " + Modules.schemaOf(module) + ".journal (at, module, instance, kind, message_id, "
                        + "causation_id, type, order_id, attempt, queue_ms, handler_ms, trace_id, detail) "
                        + "select e.at::timestamptz, ?, ?, e.kind, e.message_id::uuid, e.causation_id::uuid, e.type, "
                        + "e.order_id, e.attempt::int, e.queue_ms::numeric, e.handler_ms::numeric, e.trace_id, e.detail "
                        + "from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::text[], ?::text[], ?::text[], ?::text[]) as e(at, kind, message_id, causation_id, type, "
                        + "order_id, attempt, queue_ms, handler_ms, trace_id, detail)")
                .params(
                        module,
                        instance,
                        columns[0],
                        columns[1],
                        columns[2],
                        columns[3],
                        columns[4],
                        columns[5],
                        columns[6],
                        columns[7],
                        columns[8],
                        columns[9],
                        columns[10])
                .update();
    }

    private static @Nullable String millis(@Nullable Duration duration) {
        if (duration == null) {
            return null;
        }
        // clocks of two processes may disagree by a little: a wait is never negative
        long nanos = Math.max(0, duration.toNanos());
        return BigDecimal.valueOf(nanos, 6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    /** The W3C trace id of the trace the message travels in, if it carries one. */
    static @Nullable String traceId(Envelope envelope) {
        String traceparent = envelope.headers().get("traceparent");
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : null;
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }
}
