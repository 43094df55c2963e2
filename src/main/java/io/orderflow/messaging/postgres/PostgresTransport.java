package io.orderflow.messaging.postgres;

import io.orderflow.messaging.BroadcastListeners;
import io.orderflow.messaging.Dispatcher;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.Topology;
import io.orderflow.messaging.Transport;
import io.orderflow.messaging.TransportFaults;
import io.orderflow.platform.AfterCommit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded default's broker: a durable queue table in PostgreSQL. Publishing inserts one row per bound
 * queue (topic-exchange semantics, routing key = message type) and wakes consumers; a consumer claims and
 * deletes a row in one statement ({@code FOR UPDATE SKIP LOCKED}) and applies it in the same transaction, so
 * the row is gone exactly when the effect commits. LISTEN/NOTIFY is only a wake-up: a consumer that missed it
 * still finds the row on its next poll.
 */
public class PostgresTransport implements Transport, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PostgresTransport.class);
    private static final String CHANNEL = "orderflow_broker";
    private static final String BROADCAST_CHANNEL = "orderflow_broadcast";
    /**
     * Where the processes on one database say they are there: a heartbeat every {@link #HEARTBEAT}, and a hello
     * that asks for an answer ({@value #ANSWER_PLEASE}) when a listener (re)connects.
     */
    private static final String PRESENCE_CHANNEL = "orderflow_presence";

    private static final String ANSWER_PLEASE = "?";
    /** On {@link #CHANNEL}: every queue may hold messages nobody announced; drain them all. */
    private static final String ALL_QUEUES = "*";

    /** How often the listener says it listens (from its own thread, on its own connection). */
    private static final long HEARTBEAT = Duration.ofSeconds(1).toNanos();
    /** A process not heard from for this long is gone (ten heartbeats missed). */
    private static final long PEER_GONE_AFTER = Duration.ofSeconds(10).toNanos();

    private static final String SIGNAL_KEY = PostgresTransport.class.getName() + ".signal";

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final int consumersPerQueue;
    private final boolean directPublish;
    /** Whether other processes consume from this database and must be told of new messages (NOTIFY). */
    private final boolean notifyOtherProcesses;
    /** The chaos harness's reordering hook ({@link TransportFaults#holdBack()}); off unless switched on. */
    private final TransportFaults faults;

    private final Duration pollInterval;
    private final List<Queue> queues = new ArrayList<>();
    private final Map<String, Queue> queuesByName = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final BroadcastListeners broadcastListeners = new BroadcastListeners();
    private volatile boolean running;
    /** Tells this process's own NOTIFYs apart: its consumers were already woken in-process. */
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

    private final ConcurrentLinkedQueue<String[]> pendingNotifications = new ConcurrentLinkedQueue<>();
    /**
     * When this process last heard another one on the database ({@link System#nanoTime}); written by the listener
     * thread only. Messages are announced to other processes only while one was heard within
     * {@link #PEER_GONE_AFTER}. It starts that long back: nobody heard yet.
     */
    private volatile long peerHeardAt = System.nanoTime() - PEER_GONE_AFTER;

    private final Object notifierSignal = new Object();
    private boolean notifierWoken;

    public PostgresTransport(
            DataSource dataSource,
            PlatformTransactionManager transactions,
            JsonMapper json,
            int consumersPerQueue,
            Duration pollInterval,
            boolean directPublish,
            boolean notifyOtherProcesses,
            TransportFaults faults) {
        this.faults = faults;
        this.directPublish = directPublish;
        this.notifyOtherProcesses = notifyOtherProcesses;
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(transactions);
        this.json = json;
        this.consumersPerQueue = consumersPerQueue;
        this.pollInterval = pollInterval;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public boolean holdsBack() {
        return true;
    }

    @Override
    public Set<UUID> publish(List<Envelope> batch) {
        Set<UUID> unroutable = new HashSet<>();
        Map<String, Integer> touched = new HashMap<>();
        for (Envelope e : batch) {
            Duration heldBack = faults.holdBack();
            List<String> routedTo = jdbc.sql("insert into broker.message (queue, message_id, type, version, order_id, "
                            + "causation_id, occurred_at, payload, headers, available_at) "
                            + "select b.queue, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, "
                            + "now() + ? * interval '1 millisecond' from broker.binding b where b.routing_key = ? "
                            + "returning queue")
                    .params(
                            e.messageId(),
                            e.type(),
                            e.version(),
                            e.orderId(),
                            e.causationId(),
                            Timestamp.from(e.occurredAt()),
                            e.payload(),
                            json.writeValueAsString(e.headers()),
                            heldBack.toMillis(),
                            e.type())
                    .query(String.class)
                    .list();
            if (routedTo.isEmpty()) {
                unroutable.add(e.messageId());
            }
            routedTo.forEach(queue -> touched.merge(queue, 1, Integer::sum));
            lookAgainAfter(routedTo, heldBack);
        }
        signalAfterCommit(touched);
        return unroutable;
    }

    /** Inserts one row for the module's queue in the caller's transaction; consumers are woken on commit. */
    @Override
    public void redeliver(String module, Envelope e) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("redeliver needs the caller's transaction");
        }
        String queue = "orderflow." + module;
        Duration heldBack = faults.holdBack();
        jdbc.sql("insert into broker.message (queue, message_id, type, version, order_id, causation_id, occurred_at, "
                        + "payload, headers, available_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, now() + ? * interval '1 millisecond')")
                .params(
                        queue,
                        e.messageId(),
                        e.type(),
                        e.version(),
                        e.orderId(),
                        e.causationId(),
                        Timestamp.from(e.occurredAt()),
                        e.payload(),
                        json.writeValueAsString(e.headers()),
                        heldBack.toMillis())
                .update();
        signalAfterCommit(Map.of(queue, 1));
        lookAgainAfter(List.of(queue), heldBack);
    }

    /**
     * A message held back by the chaos harness's reordering ({@link TransportFaults#holdBack()}) is not ready when
     * its commit wakes the consumers: this process's consumers of its queues look again once it is due (other
     * processes find it on their next poll).
     */
    private void lookAgainAfter(List<String> routedTo, Duration heldBack) {
        if (heldBack.isZero()) {
            return;
        }
        for (String name : routedTo) {
            Queue local = queuesByName.get(name);
            if (local != null) {
                local.wakeups.dueIn(heldBack.plusMillis(5));
            }
        }
    }

    @Override
    public boolean publishWithinTransaction(Envelope envelope) {
        if (!directPublish) {
            return false;
        }
        return publish(List.of(envelope)).isEmpty();
    }

    @Override
    public Map<String, Long> backlog() {
        Map<String, Long> ready = new TreeMap<>();
        queuesByName.keySet().forEach(queue -> ready.put(queue, 0L));
        if (ready.isEmpty()) {
            return ready;
        }
        jdbc.sql("select queue, count(*) as ready from broker.message where queue = any(?) and available_at <= now() "
                        + "group by queue")
                .param(ready.keySet().toArray(String[]::new))
                .query((rs, n) -> ready.put(rs.getString("queue"), rs.getLong("ready")))
                .list();
        return ready;
    }

    /** Called after the announcing commit: tells this process's listeners now, other processes by NOTIFY. */
    @Override
    public void broadcast(String topic, String payload) {
        deliverBroadcast(topic + "|" + payload);
        tellOtherProcesses(BROADCAST_CHANNEL, topic + "|" + payload);
    }

    /**
     * A data transaction never sends NOTIFY itself: PostgreSQL serialises the commits of all transactions
     * that notified (a global lock held through the commit's flush), which would make every consumer
     * commit wait in one line. Instead, once the enqueuing transaction has committed, this process's own
     * consumers are woken directly and other processes are told by a separate, write-free NOTIFY
     * (coalesced by the notifier thread). Measured in docs/benchmarks.md.
     */
    private void signalAfterCommit(Map<String, Integer> messagesPerQueue) {
        if (messagesPerQueue.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            signal(messagesPerQueue);
            return;
        }
        Map<String, Integer> collecting = AfterCommit.collect(SIGNAL_KEY, HashMap<String, Integer>::new, this::signal);
        messagesPerQueue.forEach((queue, count) -> collecting.merge(queue, count, Integer::sum));
    }

    /** Wakes as many of this process's consumers as there are new messages, and tells the other processes. */
    private void signal(Map<String, Integer> messagesPerQueue) {
        for (var entry : messagesPerQueue.entrySet()) {
            String name = entry.getKey();
            Queue local = queuesByName.get(name);
            if (local != null) {
                local.wakeups.wake(entry.getValue());
            }
            tellOtherProcesses(CHANNEL, name);
        }
    }

    /**
     * Queues a NOTIFY for the notifier thread, unless no other process consumes from this database: an embedded
     * database is this process's own, and on an external one no other process has been heard from lately (see
     * {@link #heard}). Each NOTIFY costs the database a transaction, and every listener, this process's own
     * included, a notification to read.
     */
    private void tellOtherProcesses(String channel, String payload) {
        if (notifyOtherProcesses && anotherProcessListens()) {
            notifyLater(channel, payload);
        }
    }

    private boolean anotherProcessListens() {
        return System.nanoTime() - peerHeardAt < PEER_GONE_AFTER;
    }

    private void notifyLater(String channel, String payload) {
        pendingNotifications.add(new String[] {channel, instanceId + "|" + payload});
        wakeNotifier();
    }

    /**
     * Another process spoke on the database (listener thread). If none had been heard lately, messages committed
     * meanwhile went unannounced: every process is told to drain all its queues, and a hello that asks for an
     * answer gets one, so that a process that just started (or reconnected) hears of this one at once.
     */
    private void heard(String channel, String payload) {
        boolean wasAlone = !anotherProcessListens();
        peerHeardAt = System.nanoTime();
        if (!notifyOtherProcesses) {
            return;
        }
        if (wasAlone) {
            notifyLater(CHANNEL, ALL_QUEUES);
        }
        if (PRESENCE_CHANNEL.equals(channel) && ANSWER_PLEASE.equals(payload)) {
            notifyLater(PRESENCE_CHANNEL, "");
        }
    }

    private void wakeNotifier() {
        synchronized (notifierSignal) {
            notifierWoken = true;
            notifierSignal.notify();
        }
    }

    /** Sends the pending NOTIFYs, many per statement, in transactions that write nothing. */
    private void notifyOthers() {
        while (running) {
            synchronized (notifierSignal) {
                if (!notifierWoken) {
                    try {
                        notifierSignal.wait(250);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                notifierWoken = false;
            }
            Set<String> seen = new LinkedHashSet<>();
            List<String> channels = new ArrayList<>();
            List<String> payloads = new ArrayList<>();
            for (String[] n; (n = pendingNotifications.poll()) != null; ) {
                if (seen.add(n[0] + "\u0000" + n[1])) {
                    channels.add(n[0]);
                    payloads.add(n[1]);
                }
            }
            if (channels.isEmpty()) {
                continue;
            }
            try {
                jdbc.sql("select count(pg_notify(c, p)) from unnest(?::text[], ?::text[]) as t(c, p)")
                        .params(channels.toArray(String[]::new), payloads.toArray(String[]::new))
                        .query(Long.class)
                        .single();
            } catch (RuntimeException e) {
                // other processes still find their rows on their next poll
                log.debug("NOTIFY to other processes failed", e);
            }
        }
    }

    @Override
    public void onBroadcast(String topic, Consumer<String> listener) {
        broadcastListeners.add(topic, listener);
    }

    @Override
    public void declare(Topology topology) {
        topology.consumers().forEach((module, types) -> {
            for (String type : types) {
                jdbc.sql("insert into broker.binding (queue, routing_key) values (?, ?) on conflict do nothing")
                        .params("orderflow." + module, type)
                        .update();
            }
        });
    }

    @Override
    public void subscribe(MessageHandlers handlers, Dispatcher dispatcher) {
        String queue = "orderflow." + handlers.module();
        for (String type : handlers.types()) {
            jdbc.sql("insert into broker.binding (queue, routing_key) values (?, ?) on conflict do nothing")
                    .params(queue, type)
                    .update();
        }
        for (String type : handlers.retiredTypes()) {
            jdbc.sql("delete from broker.binding where queue = ? and routing_key = ?")
                    .params(queue, type)
                    .update();
        }
        Queue q = new Queue(queue, handlers, dispatcher, pollInterval);
        synchronized (threads) {
            queues.add(q);
            queuesByName.put(queue, q);
            if (running) {
                startConsumers(q);
            }
        }
    }

    private void startConsumers(Queue queue) {
        queue.wakeups.open();
        for (int i = 0; i < consumersPerQueue; i++) {
            Thread consumer = new Thread(() -> consume(queue), "consumer-" + queue.name + "-" + i);
            consumer.setDaemon(true);
            threads.add(consumer);
            consumer.start();
        }
    }

    @Override
    public void start() {
        synchronized (threads) {
            running = true;
            Thread listener = new Thread(this::listen, "broker-listener");
            listener.setDaemon(true);
            threads.add(listener);
            listener.start();
            if (notifyOtherProcesses) {
                Thread notifier = new Thread(this::notifyOthers, "broker-notifier");
                notifier.setDaemon(true);
                threads.add(notifier);
                notifier.start();
            }
            queues.forEach(this::startConsumers);
        }
    }

    @Override
    public void stop() {
        running = false;
        queues.forEach(q -> q.wakeups.wakeAll());
        wakeNotifier();
        for (Thread thread : List.copyOf(threads)) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    /**
     * Claims one message per announced message (a commit in this process wakes exactly as many consumers as it
     * enqueued), and drains the queue until it is empty when the count is unknown: on a wake from another
     * process, a retry coming due, and once per {@code poll-interval} for the queue (the backstop for messages
     * nobody announced, even while announced ones keep every consumer busy: {@link Wakeups}). A claim that finds
     * nothing is a transaction for nothing, so claims follow announcements instead of polling again after every
     * message.
     */
    private void consume(Queue queue) {
        Wakeups.Claim claim = Wakeups.Claim.DRAIN; // first what arrived while nobody consumed
        while (running) {
            try {
                if (claim == Wakeups.Claim.ONE) {
                    receiveOne(queue);
                } else if (receiveOne(queue)) {
                    queue.wakeups.tookOne();
                    queue.wakeups.wakeToDrain(); // there may be more than one message: a second consumer helps
                    while (running && receiveOne(queue)) { // until the queue is empty
                        queue.wakeups.tookOne();
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Consumer of {} failed; backing off", queue.name, e);
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
            claim = queue.wakeups.await();
        }
    }

    /**
     * Takes the oldest ready row and applies it in one transaction: the claim, which deletes the row as it locks
     * it ({@code FOR UPDATE SKIP LOCKED}, so concurrent consumers pass over it) and records it in the module's
     * inbox, the handler's statements, and the commit. The row is gone exactly when the effect
     * commits. When the handler fails, the whole transaction rolls back (the row is back, untouched) and
     * {@link #failed} records the kernel's decision in a transaction of its own: no savepoint per message.
     * <p>
     * One message per transaction on purpose: claiming several and committing once (group commit) was measured
     * to deadlock, because a batch keeps the row locks of every message it applied until its commit
     * (docs/benchmarks.md).
     */
    boolean receiveOne(Queue queue) {
        Claimed[] claimed = new Claimed[1];
        try {
            return Boolean.TRUE.equals(tx.execute(status -> {
                Long[] failing = queue.failing.toArray(Long[]::new);
                var claim = failing.length == 0
                        ? jdbc.sql(queue.claim).param(queue.name)
                        : jdbc.sql(queue.claimSkipping).params(queue.name, failing);
                claimed[0] = claim.query((rs, n) -> new Claimed(
                                rs.getLong("id"), envelope(rs), rs.getBoolean("first_delivery"), rs.getInt("attempts")))
                        .optional()
                        .orElse(null);
                if (claimed[0] == null) {
                    return false;
                }
                if (queue.failing.contains(claimed[0].id)) {
                    // another consumer's attempt failed and rolled back after this one read the set it passes
                    // over: that consumer is recording the failure and its backoff; the row stays where it is,
                    // and this consumer goes on with the queue (its next claim passes over the row)
                    status.setRollbackOnly();
                    claimed[0] = null;
                    return true;
                }
                try {
                    queue.dispatcher.dispatchRecorded(
                            queue.handlers, claimed[0].envelope, claimed[0].firstDelivery, claimed[0].failedBefore);
                } catch (RuntimeException e) {
                    // before the rollback puts the row back: this process's consumers leave it alone until the
                    // failure is recorded (its backoff must not be skipped)
                    queue.failing.add(claimed[0].id);
                    throw e;
                }
                return true;
            }));
        } catch (RuntimeException e) {
            if (claimed[0] == null) {
                throw e; // the claim itself failed: the consumer backs off
            }
            try {
                failed(queue, claimed[0], e);
            } finally {
                queue.failing.remove(claimed[0].id);
            }
            return true;
        }
    }

    /**
     * Deletes the oldest ready row of a queue as it claims it, records it in the module's inbox and returns it,
     * with whether the inbox row is new (false: the module applied this message before). The inbox insert
     * rolls back with everything else when the delivery fails. {@code condition} narrows the rows considered.
     */
    private static String claim(String module, String condition) {
        return "with claimed as (delete from broker.message where (queue, id) = (select queue, id from broker.message "
                + "where queue = ? and available_at <= now()" + condition
                + " order by id limit 1 for update skip locked) "
                + "returning id, message_id, type, version, order_id, causation_id, occurred_at, payload, headers, attempts), "
                + "recorded as (insert into " + Dispatcher.inboxTable(module) + " (message_id, type) "
                + "select message_id, type from claimed on conflict do nothing returning message_id) "
                + "select c.id, c.message_id, c.type, c.version, c.order_id, c.causation_id, c.occurred_at, "
                + "c.payload::text as payload, c.headers::text as headers, c.attempts, "
                + "exists (select 1 from recorded) as first_delivery from claimed c";
    }

    /**
     * Carries out the kernel's decision on a delivery that failed and was rolled back: the row gets its attempt
     * count and a due time after the backoff, or moves to the module's dead letters. Locks the row first; a
     * consumer of another process may have taken it after the rollback (this process's consumers pass over it),
     * and then this waits for that attempt: if it applied the message, the row is gone and nothing is recorded;
     * if it failed too, both failures count.
     */
    private void failed(Queue queue, Claimed claimed, RuntimeException error) {
        String module = queue.handlers.module();
        tx.executeWithoutResult(status -> {
            var row = jdbc.sql(
                            "select attempts, first_failed_at from broker.message where queue = ? and id = ? for update")
                    .params(queue.name, claimed.id)
                    .query((rs, n) ->
                            new FailedBefore(rs.getInt("attempts"), instant(rs.getTimestamp("first_failed_at"))))
                    .optional();
            if (row.isEmpty()) {
                return;
            }
            var decision = queue.dispatcher.failed(
                    module, claimed.envelope, row.get().attempts(), row.get().firstFailedAt(), error);
            if (decision instanceof Dispatcher.Failed.Retry retry) {
                jdbc.sql("update broker.message set attempts = ?, first_failed_at = ?, last_error = ?, "
                                + "available_at = now() + ? * interval '1 millisecond' where queue = ? and id = ?")
                        .params(
                                retry.attempts(),
                                Timestamp.from(retry.firstFailedAt()),
                                String.valueOf(error.getMessage()),
                                retry.backoff().toMillis(),
                                queue.name,
                                claimed.id)
                        .update();
                queue.wakeups.dueIn(retry.backoff()); // nobody will announce it: look again when it is due
            } else {
                jdbc.sql("delete from broker.message where queue = ? and id = ?")
                        .params(queue.name, claimed.id)
                        .update();
                queue.dispatcher.park(
                        module, claimed.envelope, decision.error(), decision.attempts(), decision.firstFailedAt());
            }
        });
    }

    private Envelope envelope(ResultSet rs) throws SQLException {
        return Envelope.read(rs, json);
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Holds one connection for LISTEN; wakes the local consumers of the notified queue. */
    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    statement.execute("LISTEN " + BROADCAST_CHANNEL);
                    statement.execute("LISTEN " + PRESENCE_CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                long lastHeartbeat = System.nanoTime();
                if (notifyOtherProcesses) {
                    // listening now: whoever answers will be heard, and will hear of this process
                    sayPresence(connection, ANSWER_PLEASE);
                }
                while (running) {
                    if (notifyOtherProcesses && System.nanoTime() - lastHeartbeat >= HEARTBEAT) {
                        lastHeartbeat = System.nanoTime();
                        sayPresence(connection, "");
                    }
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        String parameter = notification.getParameter();
                        int bar = parameter.indexOf('|');
                        if (bar < 0 || parameter.substring(0, bar).equals(instanceId)) {
                            continue; // our own: already delivered in-process
                        }
                        parameter = parameter.substring(bar + 1);
                        heard(notification.getName(), parameter);
                        if (BROADCAST_CHANNEL.equals(notification.getName())) {
                            deliverBroadcast(parameter);
                            continue;
                        }
                        if (PRESENCE_CHANNEL.equals(notification.getName())) {
                            continue;
                        }
                        if (ALL_QUEUES.equals(parameter)) {
                            queuesByName.values().forEach(q -> q.wakeups.wakeToDrain());
                            continue;
                        }
                        Queue queue = queuesByName.get(parameter);
                        if (queue != null) {
                            queue.wakeups.wakeToDrain(); // another process's messages: how many is not said
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn(
                            "Broker listener lost its connection; consumers poll every {} ms meanwhile",
                            pollInterval.toMillis(),
                            e);
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
            }
        }
    }

    /**
     * Says on the listener's own connection that this process listens: the heartbeat comes from the thread whose
     * hearing it vouches for, and never waits for a pooled connection.
     */
    private void sayPresence(Connection listening, String payload) throws SQLException {
        try (PreparedStatement notify = listening.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, PRESENCE_CHANNEL);
            notify.setString(2, instanceId + "|" + payload);
            notify.execute();
        }
    }

    private void deliverBroadcast(String message) {
        int bar = message.indexOf('|');
        if (bar < 0) {
            return;
        }
        broadcastListeners.deliver(message.substring(0, bar), message.substring(bar + 1));
    }

    private record Claimed(long id, Envelope envelope, boolean firstDelivery, int failedBefore) {}

    /** A queue row's failures so far, read under lock when another one is recorded. */
    private record FailedBefore(int attempts, @Nullable Instant firstFailedAt) {}

    static final class Queue {

        final String name;
        final MessageHandlers handlers;
        final Dispatcher dispatcher;
        /** Claims the oldest ready row (and records it in the module's inbox), see {@link #claim}. */
        final String claim;
        /** The same, passing over the rows whose failure this process is recording. */
        final String claimSkipping;
        /** Rows whose failed delivery a consumer of this queue is recording: not to be claimed meanwhile. */
        final Set<Long> failing = ConcurrentHashMap.newKeySet();
        /** When the consumers claim, and how many rows. */
        final Wakeups wakeups;

        Queue(String name, MessageHandlers handlers, Dispatcher dispatcher, Duration pollInterval) {
            this.name = name;
            this.handlers = handlers;
            this.dispatcher = dispatcher;
            this.claim = PostgresTransport.claim(handlers.module(), "");
            this.claimSkipping = PostgresTransport.claim(handlers.module(), " and id <> all(?)");
            this.wakeups = new Wakeups(pollInterval, System::nanoTime);
        }
    }
}
