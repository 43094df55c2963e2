package io.orderflow.messaging.postgres;

import io.orderflow.messaging.Dispatcher;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.PoisonMessageException;
import io.orderflow.messaging.Topology;
import io.orderflow.messaging.Transport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded default's broker: a durable queue table in PostgreSQL. Publishing inserts one row per bound
 * queue (topic-exchange semantics, routing key = message type) and notifies listeners; consumers claim a
 * row with {@code FOR UPDATE SKIP LOCKED} and apply it in a savepoint of the same transaction, so the row
 * is deleted exactly when the effect commits. LISTEN/NOTIFY is only a wake-up: a consumer that missed it
 * still finds the row on its next poll.
 */
public class PostgresTransport implements Transport, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PostgresTransport.class);
    private static final String CHANNEL = "orderflow_broker";
    private static final String BROADCAST_CHANNEL = "orderflow_broadcast";
    private static final String SIGNAL_KEY = PostgresTransport.class.getName() + ".signal";

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final TransactionTemplate savepoint;
    private final JsonMapper json;
    private final int consumersPerQueue;
    private final boolean directPublish;
    private final Duration pollInterval;
    private final List<Queue> queues = new ArrayList<>();
    private final Map<String, Queue> queuesByName = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, List<java.util.function.Consumer<String>>> broadcastListeners = new ConcurrentHashMap<>();
    private volatile boolean running;
    /** Tells this process's own NOTIFYs apart: its consumers were already woken in-process. */
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private final java.util.concurrent.ConcurrentLinkedQueue<String[]> pendingNotifications =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Object notifierSignal = new Object();
    private boolean notifierWoken;

    public PostgresTransport(DataSource dataSource, PlatformTransactionManager transactions, JsonMapper json,
            int consumersPerQueue, Duration pollInterval, boolean directPublish) {
        this.directPublish = directPublish;
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(transactions);
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.json = json;
        this.consumersPerQueue = consumersPerQueue;
        this.pollInterval = pollInterval;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public Set<UUID> publish(List<Envelope> batch) {
        Set<UUID> unroutable = new HashSet<>();
        Set<String> touched = new HashSet<>();
        for (Envelope e : batch) {
            List<String> routedTo = jdbc.sql("insert into broker.message (queue, message_id, type, version, order_id, "
                    + "causation_id, occurred_at, payload, headers) "
                    + "select b.queue, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb from broker.binding b where b.routing_key = ? "
                    + "returning queue")
                    .params(e.messageId(), e.type(), e.version(), e.orderId(), e.causationId(),
                            Timestamp.from(e.occurredAt()), e.payload(), json.writeValueAsString(e.headers()), e.type())
                    .query(String.class)
                    .list();
            if (routedTo.isEmpty()) {
                unroutable.add(e.messageId());
            }
            touched.addAll(routedTo);
        }
        signalAfterCommit(touched);
        return unroutable;
    }

    /** Inserts one row for the module's queue in the caller's transaction; consumers are woken on commit. */
    @Override
    public void redeliver(String module, Envelope e) {
        if (!org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("redeliver needs the caller's transaction");
        }
        String queue = "orderflow." + module;
        jdbc.sql("insert into broker.message (queue, message_id, type, version, order_id, causation_id, occurred_at, "
                + "payload, headers) values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")
                .params(queue, e.messageId(), e.type(), e.version(), e.orderId(), e.causationId(),
                        Timestamp.from(e.occurredAt()), e.payload(), json.writeValueAsString(e.headers()))
                .update();
        signalAfterCommit(Set.of(queue));
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
        Map<String, Long> ready = new java.util.TreeMap<>();
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
        pendingNotifications.add(new String[] { BROADCAST_CHANNEL, instanceId + "|" + topic + "|" + payload });
        wakeNotifier();
    }

    /**
     * A data transaction never sends NOTIFY itself: PostgreSQL serialises the commits of all transactions
     * that notified (a global lock held through the commit's flush), which would make every consumer
     * commit wait in one line. Instead, once the enqueuing transaction has committed, this process's own
     * consumers are woken directly and other processes are told by a separate, write-free NOTIFY
     * (coalesced by the notifier thread). Measured in docs/benchmarks.md.
     */
    private void signalAfterCommit(Set<String> queues) {
        if (queues.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            signal(queues);
            return;
        }
        @SuppressWarnings("unchecked")
        Set<String> pending = (Set<String>) TransactionSynchronizationManager.getResource(SIGNAL_KEY);
        if (pending == null) {
            Set<String> collected = new HashSet<>();
            TransactionSynchronizationManager.bindResource(SIGNAL_KEY, collected);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(SIGNAL_KEY);
                    if (status == STATUS_COMMITTED) {
                        signal(collected);
                    }
                }
            });
            pending = collected;
        }
        pending.addAll(queues);
    }

    private void signal(Set<String> queues) {
        for (String name : queues) {
            Queue local = queuesByName.get(name);
            if (local != null) {
                local.wake();
            }
            pendingNotifications.add(new String[] { CHANNEL, instanceId + "|" + name });
        }
        wakeNotifier();
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
            java.util.Set<String> seen = new java.util.LinkedHashSet<>();
            List<String> channels = new ArrayList<>();
            List<String> payloads = new ArrayList<>();
            for (String[] n; (n = pendingNotifications.poll()) != null;) {
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
                        .query(Long.class).single();
            } catch (RuntimeException e) {
                // other processes still find their rows on their next poll
                log.debug("NOTIFY to other processes failed", e);
            }
        }
    }

    @Override
    public void onBroadcast(String topic, java.util.function.Consumer<String> listener) {
        broadcastListeners.computeIfAbsent(topic, t -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(listener);
    }

    @Override
    public void declare(Topology topology) {
        topology.consumers().forEach((module, types) -> {
            for (String type : types) {
                jdbc.sql("insert into broker.binding (queue, routing_key) values (?, ?) on conflict do nothing")
                        .params("orderflow." + module, type).update();
            }
        });
    }

    @Override
    public void subscribe(MessageHandlers handlers, Dispatcher dispatcher) {
        String queue = "orderflow." + handlers.module();
        for (String type : handlers.types()) {
            jdbc.sql("insert into broker.binding (queue, routing_key) values (?, ?) on conflict do nothing")
                    .params(queue, type).update();
        }
        Queue q = new Queue(queue, handlers, dispatcher);
        synchronized (threads) {
            queues.add(q);
            queuesByName.put(queue, q);
            if (running) {
                startConsumers(q);
            }
        }
    }

    private void startConsumers(Queue queue) {
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
            Thread notifier = new Thread(this::notifyOthers, "broker-notifier");
            notifier.setDaemon(true);
            threads.add(notifier);
            notifier.start();
            queues.forEach(this::startConsumers);
        }
    }

    @Override
    public void stop() {
        running = false;
        queues.forEach(Queue::wake);
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

    private void consume(Queue queue) {
        while (running) {
            try {
                if (!receiveOne(queue)) {
                    queue.await(pollInterval.toMillis());
                }
            } catch (RuntimeException e) {
                log.warn("Consumer of {} failed; backing off", queue.name, e);
                queue.await(500);
            }
        }
    }

    /**
     * Claims the oldest ready row, applies it in a savepoint and settles it, all in one transaction. One
     * message per transaction on purpose: claiming several and committing once (group commit) was measured
     * to deadlock, because a batch keeps the row locks of every message it applied until its commit
     * (docs/benchmarks.md). A failure inside the savepoint touches only the message.
     */
    boolean receiveOne(Queue queue) {
        Boolean received = tx.execute(status -> {
            var claimed = jdbc.sql("select id, message_id, type, version, order_id, causation_id, occurred_at, "
                    + "payload::text as payload, headers::text as headers, attempts, first_failed_at "
                    + "from broker.message where queue = ? and available_at <= now() "
                    + "order by id limit 1 for update skip locked")
                    .param(queue.name)
                    .query((rs, n) -> new Claimed(rs.getLong("id"), envelope(rs), rs.getInt("attempts"),
                            instant(rs.getTimestamp("first_failed_at"))))
                    .optional();
            if (claimed.isEmpty()) {
                return false;
            }
            if (settle(queue, claimed.get())) {
                jdbc.sql("delete from broker.message where id = ?").param(claimed.get().id).update();
            }
            return true;
        });
        return Boolean.TRUE.equals(received);
    }

    /** Applies one claimed message; true when its row is done with (applied or parked), false when retried. */
    private boolean settle(Queue queue, Claimed claimed) {
        try {
            savepoint.executeWithoutResult(s -> queue.dispatcher.dispatch(queue.handlers, claimed.envelope));
            return true;
        } catch (PoisonMessageException e) {
            queue.dispatcher.park(queue.handlers.module(), claimed.envelope, e, claimed.attempts + 1,
                    claimed.firstFailedAt == null ? Instant.now() : claimed.firstFailedAt);
            return true;
        } catch (RuntimeException e) {
            int attempts = claimed.attempts + 1;
            Instant firstFailedAt = claimed.firstFailedAt == null ? Instant.now() : claimed.firstFailedAt;
            var policy = queue.dispatcher.retryPolicy();
            if (policy.allowsAnotherAttempt(attempts, e)) {
                Duration backoff = policy.backoffAfter(attempts);
                queue.dispatcher.retryScheduled(queue.handlers.module(), claimed.envelope, attempts, e, backoff);
                jdbc.sql("update broker.message set attempts = ?, first_failed_at = ?, last_error = ?, "
                        + "available_at = now() + ? * interval '1 millisecond' where id = ?")
                        .params(attempts, Timestamp.from(firstFailedAt), String.valueOf(e.getMessage()),
                                backoff.toMillis(), claimed.id)
                        .update();
                return false;
            }
            queue.dispatcher.park(queue.handlers.module(), claimed.envelope, e, attempts, firstFailedAt);
            return true;
        }
    }

    private void delete(Claimed claimed) {
        jdbc.sql("delete from broker.message where id = ?").param(claimed.id).update();
    }

    private Envelope envelope(ResultSet rs) throws SQLException {
        Map<String, String> headers;
        try {
            headers = json.readValue(rs.getString("headers"), new TypeReference<Map<String, String>>() {
            });
        } catch (RuntimeException e) {
            headers = Map.of();
        }
        return new Envelope(rs.getObject("message_id", UUID.class), rs.getString("type"), rs.getInt("version"),
                rs.getString("order_id"), rs.getObject("causation_id", UUID.class),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("payload"), headers);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Holds one connection for LISTEN; wakes the local consumers of the notified queue. */
    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    statement.execute("LISTEN " + BROADCAST_CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
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
                        if (BROADCAST_CHANNEL.equals(notification.getName())) {
                            deliverBroadcast(parameter);
                            continue;
                        }
                        Queue queue = queuesByName.get(parameter);
                        if (queue != null) {
                            queue.wake();
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Broker listener lost its connection; consumers poll every {} ms meanwhile",
                            pollInterval.toMillis(), e);
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
            }
        }
    }

    private void deliverBroadcast(String message) {
        int bar = message.indexOf('|');
        if (bar < 0) {
            return;
        }
        for (var listener : broadcastListeners.getOrDefault(message.substring(0, bar), List.of())) {
            try {
                listener.accept(message.substring(bar + 1));
            } catch (RuntimeException e) {
                log.warn("broadcast listener failed", e);
            }
        }
    }

    private record Claimed(long id, Envelope envelope, int attempts, Instant firstFailedAt) {
    }

    static final class Queue {

        final String name;
        final MessageHandlers handlers;
        final Dispatcher dispatcher;
        private final Object signal = new Object();
        private int permits;

        Queue(String name, MessageHandlers handlers, Dispatcher dispatcher) {
            this.name = name;
            this.handlers = handlers;
            this.dispatcher = dispatcher;
        }

        void wake() {
            synchronized (signal) {
                permits++;
                signal.notifyAll();
            }
        }

        void await(long millis) {
            synchronized (signal) {
                if (permits == 0) {
                    try {
                        signal.wait(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                permits = 0;
            }
        }
    }
}
