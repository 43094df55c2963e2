package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes one module's outbox. Each commit that wrote to the outbox hands its envelopes over
 * ({@link Outbox#onCommit}): they are published from memory, with the envelopes of the other commits that came
 * meanwhile, in one batch, and the next batch goes without waiting for the broker's confirms of the last (up to
 * {@link #MAX_IN_FLIGHT} batches unconfirmed). The committing thread sends them itself when the relay's lane is free
 * and the transport can send without waiting ({@link Transport#publishAsync(List, Object, boolean)}), so a message
 * on an order's critical path does not wait for another thread to wake; otherwise the relay's thread sends them.
 * Their rows are deleted once confirmed, those of every batch confirmed within the delete delay in one statement
 * ({@link PublishedRows}), so the next batch is not held up by a commit and one commit removes the rows of many. No
 * read and no transaction of its own on this path: the rows are only the record that survives a crash. The periodic
 * sweep picks up what a crash or a failed publish left behind (rows past {@link Outbox#HANDOFF_GRACE}), claiming them
 * with {@code FOR UPDATE SKIP LOCKED}, so several instances of a module share the work, and deleting them in the same
 * transaction once the broker has confirmed them. A row that is published twice (its delete lost in a crash) is
 * dropped by the consumer's inbox.
 */
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 256;
    /** Published rows deleted in one statement at most (sooner when the oldest has waited the delete delay). */
    private static final int DELETE_BATCH = 4_096;
    /** Batches sent and not yet confirmed by the broker, at most; the next waits for a confirm beyond this. */
    static final int MAX_IN_FLIGHT = 8;

    private static final Duration UNROUTABLE_DELAY = Duration.ofSeconds(2);

    private final String module;
    private final String schema;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Transport transport;
    private final JsonMapper json;
    private final Duration sweepInterval;
    /** Published rows waiting for their delete; touched by this relay's thread only. */
    private final PublishedRows awaitingDelete;

    private final Object signal = new Object();
    /** Envelopes whose transactions have committed, in commit order, waiting for this relay's thread. */
    private final Queue<Envelope> handedOff = new ConcurrentLinkedQueue<>();
    /** Batches the broker has confirmed or refused (or that failed to go out), waiting for this relay's thread. */
    private final Queue<Settled> settled = new ConcurrentLinkedQueue<>();
    /** Batches sent and not yet settled. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Held while a batch is taken from {@link #handedOff} and sent: one sender at a time on this relay's lane, in
     * hand-off order, whether the relay's thread or a committing one.
     */
    private final ReentrantLock sending = new ReentrantLock();

    /** A published batch's outcome: the ids no queue was bound for, or why it failed. */
    private record Settled(
            List<Envelope> batch,
            @Nullable Set<UUID> unroutable,
            @Nullable Throwable failure) {}

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
            Duration sweepInterval,
            Duration deleteDelay) {
        this.module = module;
        this.schema = Modules.schemaOf(module);
        this.jdbc = jdbc;
        this.tx = tx;
        this.transport = transport;
        this.json = json;
        this.sweepInterval = sweepInterval;
        this.awaitingDelete = new PublishedRows(deleteDelay, DELETE_BATCH);
        outbox.onCommit(module, this::handOff);
    }

    /**
     * The envelopes a committed transaction wrote to the outbox: published next, from memory, on this thread when no
     * other is sending and the transport can send at once, else by the relay's thread. Never throws: the commit is
     * done, and what could not be sent is the relay's (or, from its row, the sweep's).
     */
    void handOff(List<Envelope> envelopes) {
        handedOff.addAll(envelopes);
        if (running && sending.tryLock()) {
            try {
                publishHandedOffLocked(false);
            } catch (RuntimeException e) {
                log.debug("Outbox relay for {}: sending on the committing thread failed; the relay sends", module, e);
            } finally {
                sending.unlock();
            }
            if (handedOff.isEmpty()) {
                return; // a hand-off that came while this thread sent has woken the relay itself
            }
        }
        wake();
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
        long nextSweep = System.nanoTime();
        while (running) {
            try {
                if (settleConfirmed() > 0) {
                    failures = 0;
                }
                // what a committing thread could not send at once (or came while another sent)
                if (!handedOff.isEmpty() && publishHandedOff() > 0) {
                    if (awaitingDelete.due(System.nanoTime())) {
                        deletePublished();
                    }
                    continue;
                }
                long now = System.nanoTime();
                if (awaitingDelete.due(now)) {
                    deletePublished();
                    continue;
                }
                long untilSweep = nextSweep - now;
                if (untilSweep > 0) {
                    awaitWake(Math.max(1, Math.min(untilSweep, awaitingDelete.nanosUntilDue(now)) / 1_000_000));
                    continue;
                }
                int swept = relayBatch();
                failures = 0;
                if (swept < BATCH) {
                    nextSweep = System.nanoTime() + sweepInterval.toNanos();
                }
            } catch (RuntimeException e) {
                failures++;
                log.warn("Outbox relay for {} failed (attempt {}); retrying", module, failures, e);
                awaitWake(Math.min(5_000, 100L * (1L << Math.min(failures, 6))));
            }
        }
        awaitInFlight(Duration.ofSeconds(2));
        try {
            deletePublished(); // stopping: what is published leaves no row for the sweep to publish again
        } catch (RuntimeException e) {
            log.info(
                    "Outbox relay for {} stopped before deleting published rows; the sweep publishes them again",
                    module,
                    e);
        }
    }

    private void awaitWake(long millis) {
        if (!awaitSignal(millis, true)) {
            running = false;
        }
    }

    /**
     * Waits up to {@code millis} for {@link #wake}, unless it came since the last wait (or, {@code whileRunning}, the
     * relay is stopping); false when the thread was interrupted.
     */
    private boolean awaitSignal(long millis, boolean whileRunning) {
        synchronized (signal) {
            try {
                if (!woken && (running || !whileRunning)) {
                    signal.wait(millis);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                woken = false;
            }
        }
    }

    /** The relay's thread's send: it may open a connection or wait for the broker. */
    private int publishHandedOff() {
        sending.lock();
        try {
            return publishHandedOffLocked(true);
        } finally {
            sending.unlock();
        }
    }

    /**
     * Sends what committed transactions handed over (up to a batch) without waiting for the broker's confirms, unless
     * {@link #MAX_IN_FLIGHT} batches still wait for theirs: the next batch goes out while the broker writes the last
     * one to disk, so a message handed over meanwhile is not held up by that write ({@link #settleConfirmed} records
     * the outcome). Without {@code mayWait} it sends only what the transport can send at once, and leaves the batch
     * in {@link #handedOff} otherwise. The caller holds {@link #sending}.
     */
    private int publishHandedOffLocked(boolean mayWait) {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            return 0;
        }
        // taken from the queue only once sent: only the holder of the lock takes, the others only add at its end
        List<Envelope> batch = new ArrayList<>();
        for (Iterator<Envelope> it = handedOff.iterator(); batch.size() < BATCH && it.hasNext(); ) {
            batch.add(it.next());
        }
        if (batch.isEmpty()) {
            return 0;
        }
        CompletableFuture<Set<UUID>> sent = transport.publishAsync(batch, this, mayWait);
        if (sent == null) {
            return 0;
        }
        for (int i = 0; i < batch.size(); i++) {
            handedOff.poll();
        }
        inFlight.incrementAndGet();
        var unused = sent.whenComplete((unroutable, failure) -> {
            settled.add(new Settled(batch, unroutable, failure));
            wake();
        });
        return batch.size();
    }

    /**
     * Records the outcome of the batches settled since the last call: the rows of a confirmed batch wait for their
     * delete ({@link #deletePublished}); those of a refused one are made due for the sweep at once, which retries
     * them with its backoff, and this relay backs off too (the exception).
     *
     * @return how many batches were confirmed
     */
    private int settleConfirmed() {
        int confirmed = 0;
        RuntimeException failed = null;
        for (Settled s; (s = settled.poll()) != null; ) {
            inFlight.decrementAndGet();
            Throwable failure = s.failure();
            if (failure == null) {
                Set<UUID> unroutable = s.unroutable() == null ? Set.of() : s.unroutable();
                awaitingDelete.add(taken(s.batch(), unroutable), System.nanoTime());
                keepUnroutable(unroutable);
                confirmed++;
                continue;
            }
            jdbc.sql("update " + schema + ".outbox set next_attempt_at = now() where message_id = any(?)")
                    .param(s.batch().stream().map(Envelope::messageId).toArray(UUID[]::new))
                    .update();
            failed = failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
        if (failed != null) {
            throw failed;
        }
        return confirmed;
    }

    /** Stopping: waits a little for the broker's confirms of what was sent, so that their rows can be deleted. */
    private void awaitInFlight(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                settleConfirmed();
            } catch (RuntimeException e) {
                log.info(
                        "Outbox relay for {}: a batch was not confirmed while stopping; the sweep sends it", module, e);
            }
            if (inFlight.get() > 0 && !awaitSignal(10, false)) {
                return;
            }
        }
    }

    /** Deletes the rows of every batch published since the last delete, in one statement. */
    private void deletePublished() {
        if (awaitingDelete.isEmpty()) {
            return;
        }
        jdbc.sql("delete from " + schema + ".outbox where message_id = any(?)")
                .param(awaitingDelete.ids())
                .update();
        awaitingDelete.deleted();
    }

    /** One transaction: claim, publish with confirms, delete what the broker took. */
    int relayBatch() {
        Integer count = tx.execute(status -> {
            List<Envelope> rows = jdbc.sql("select message_id, type, version, order_id, causation_id, occurred_at, "
                            + "payload::text as payload, headers::text as headers from " + schema + ".outbox "
                            + "where next_attempt_at <= now() order by id limit " + BATCH + " for update skip locked")
                    .query((rs, n) -> Envelope.read(rs, json))
                    .list();
            if (rows.isEmpty()) {
                return 0;
            }
            deleteSwept(rows, transport.publish(rows));
            return rows.size();
        });
        return count == null ? 0 : count;
    }

    /** Deletes the rows of what the broker took, in the sweep's transaction; keeps the unroutable ones for later. */
    private void deleteSwept(List<Envelope> batch, Set<UUID> unroutable) {
        jdbc.sql("delete from " + schema + ".outbox where message_id = any(?)")
                .param(taken(batch, unroutable).toArray(UUID[]::new))
                .update();
        keepUnroutable(unroutable);
    }

    private static List<UUID> taken(List<Envelope> batch, Set<UUID> unroutable) {
        return batch.stream()
                .map(Envelope::messageId)
                .filter(id -> !unroutable.contains(id))
                .toList();
    }

    /** Messages no queue is bound for yet stay in the outbox and are tried again after a delay. */
    private void keepUnroutable(Set<UUID> unroutable) {
        if (unroutable.isEmpty()) {
            return;
        }
        log.warn(
                "{} message(s) from {} have no consumer queue bound yet; kept in the outbox: {}",
                unroutable.size(),
                module,
                unroutable);
        jdbc.sql("update " + schema + ".outbox set next_attempt_at = now() + ? * interval '1 millisecond' "
                        + "where message_id = any(?)")
                .params(UNROUTABLE_DELAY.toMillis(), unroutable.toArray(UUID[]::new))
                .update();
    }
}
