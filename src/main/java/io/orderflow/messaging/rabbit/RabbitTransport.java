package io.orderflow.messaging.rabbit;

import static java.util.Objects.requireNonNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.orderflow.messaging.BroadcastListeners;
import io.orderflow.messaging.Dispatcher;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.PoisonMessageException;
import io.orderflow.messaging.Topology;
import io.orderflow.messaging.Transport;
import io.orderflow.messaging.TransportFaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * RabbitMQ under the same handlers: a durable topic exchange (default {@code orderflow}, routing key = message
 * type), one durable queue per consuming module (instances of a module compete on it), persistent
 * messages, publisher confirms and mandatory routing, manual acks after the handler's transaction commits,
 * and a per-module retry queue whose message TTL is the jittered backoff. A module's deliveries are applied in
 * batches, one transaction and one multiple-ack for what has arrived ({@link BatchConsumer}, ADR 0020), unless its
 * handlers call remote services; then several consumers apply one delivery each.
 *
 * <p>The chaos harness's reordered delivery ({@link TransportFaults#holdBack()}) parks a held-back message on the
 * module's delay queue {@code <namespace>.<module>.held} (per-message TTL, dead-lettered back to the module's queue),
 * published with a confirm before the delivery is acknowledged: the message is on the broker, never only in this
 * process, while it is held, so a process that dies holding loses nothing (at worst it is delivered twice). The
 * messages delivered meanwhile overtake it. A message is held back once at most.
 */
public class RabbitTransport implements Transport, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RabbitTransport.class);
    static final String ATTEMPTS = "x-orderflow-attempts";
    static final String FIRST_FAILED_AT = "x-orderflow-first-failed-at";
    /** On a message the reorder fault held back: how long (ms); such a message is not held back again. */
    static final String HELD_BACK = "x-orderflow-held-back-ms";
    /** By default, how long a broadcast waits for others to share its message to the other processes. */
    public static final Duration BROADCAST_LINGER = Duration.ofMillis(20);

    private final String exchange;
    private final CachingConnectionFactory connectionFactory;
    private final RabbitAdmin admin;
    private final TransactionTemplate tx;
    private final int prefetch;
    private final int consumers;
    private final int batchSize;
    private final List<BatchConsumer> batchConsumers = new ArrayList<>();
    private final Duration confirmTimeout = Duration.ofSeconds(10);
    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();
    private final Broadcasts broadcasts;
    /** The confirm channels: one per publishing thread ({@link #publish}) and one per lane ({@link #publishAsync}). */
    private final Map<Object, Publisher> publishers = new ConcurrentHashMap<>();

    private final Set<String> consumedQueues = ConcurrentHashMap.newKeySet();
    /** The listeners of each topic this process hears, sharing one queue. */
    private final BroadcastListeners broadcastListeners = new BroadcastListeners();

    private final TransportFaults faults;
    /** The delay queues of the reorder fault declared so far (on its first hold-back in each module). */
    private final Set<String> heldQueues = ConcurrentHashMap.newKeySet();

    private volatile boolean running;

    /**
     * @param namespace names the exchange and prefixes the queues ({@code <namespace>.<module>}), so several
     *        installations (or test runs) can share one broker
     */
    public RabbitTransport(
            String namespace,
            CachingConnectionFactory connectionFactory,
            PlatformTransactionManager transactions,
            int prefetch,
            int consumers) {
        this(
                namespace,
                connectionFactory,
                transactions,
                prefetch,
                consumers,
                1,
                new TransportFaults(),
                BROADCAST_LINGER);
    }

    /**
     * @param batchSize the most deliveries applied in one transaction: above 1, the queue of each module whose
     *        handlers allow it ({@link MessageHandlers#batchable()}) has one consumer that applies what has arrived in
     *        batches (ADR 0020); otherwise {@code consumers} Spring AMQP consumers, one delivery per transaction
     * @param faults the chaos harness's hooks: the reordered delivery's hold-back
     * @param broadcastLinger how long a broadcast waits for others to share its message to the other processes
     *        (this process's listeners hear it at once); zero sends each at once
     */
    public RabbitTransport(
            String namespace,
            CachingConnectionFactory connectionFactory,
            PlatformTransactionManager transactions,
            int prefetch,
            int consumers,
            int batchSize,
            TransportFaults faults,
            Duration broadcastLinger) {
        this.exchange = namespace;
        this.faults = faults;
        this.connectionFactory = connectionFactory;
        this.admin = new RabbitAdmin(connectionFactory);
        this.tx = new TransactionTemplate(transactions);
        this.prefetch = prefetch;
        this.consumers = consumers;
        this.batchSize = batchSize;
        admin.declareExchange(new TopicExchange(exchange, true, false));
        RabbitTemplate broadcaster = new RabbitTemplate(connectionFactory);
        this.broadcasts = new Broadcasts(
                broadcastListeners,
                (topic, message) -> broadcaster.send(broadcastExchange(topic), "", message),
                broadcastLinger);
    }

    private String broadcastExchange(String topic) {
        return exchange + ".broadcast." + topic;
    }

    /** This process's listeners hear it at once, the other processes within the broadcast linger ({@link Broadcasts}). */
    @Override
    public void broadcast(String topic, String payload) {
        broadcasts.broadcast(topic, payload);
    }

    /**
     * Each process gets its own exclusive, auto-deleted queue per topic on a fanout exchange: everyone hears everything.
     * The listeners of one process share its queue, so a broadcast is delivered to a process once, not once per
     * listener (the order process has two: the live view and the analytics projector).
     */
    @Override
    public void onBroadcast(String topic, Consumer<String> listener) {
        if (!broadcastListeners.add(topic, listener)) {
            return; // the topic's queue is there already
        }
        FanoutExchange fanout = new FanoutExchange(broadcastExchange(topic), true, false);
        admin.declareExchange(fanout);
        // exclusive and auto-deleted: lives exactly as long as this process's connection
        Queue mine = new Queue(broadcastExchange(topic) + "." + UUID.randomUUID(), false, true, true);
        admin.declareQueue(mine);
        admin.declareBinding(BindingBuilder.bind(mine).to(fanout));
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueues(mine);
        container.setAmqpAdmin(admin); // redeclares the auto-deleted queue after a reconnect
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        container.setMessageListener(message -> {
            for (String payload : broadcasts.received(message)) {
                broadcastListeners.deliver(topic, payload);
            }
        });
        containers.add(container);
        if (running) {
            container.start();
        }
    }

    @Override
    public String name() {
        return "rabbitmq";
    }

    @Override
    public boolean holdsBack() {
        return true;
    }

    /** Ready messages per consumed queue, as RabbitMQ reports them (messages in a retry queue are not ready). */
    @Override
    public Map<String, Long> backlog() {
        Map<String, Long> ready = new TreeMap<>();
        for (String queue : consumedQueues) {
            var info = admin.getQueueInfo(queue);
            if (info != null) {
                ready.put(queue, (long) info.getMessageCount());
            }
        }
        return ready;
    }

    @Override
    public Set<UUID> publish(List<Envelope> batch) {
        Thread lane = Thread.currentThread();
        Publisher publisher = requireNonNull(publisherOf(lane, true), "a publisher that may connect gets one");
        try {
            return publisher.send(exchange, Envelope::type, batch);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            discard(lane, publisher);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("RabbitMQ did not confirm the batch: " + e, e);
        }
    }

    /** {@link #publishAsync(List, Object, boolean)} on this thread's own lane. */
    @Override
    public CompletableFuture<Set<UUID>> publishAsync(List<Envelope> batch) {
        return requireNonNull(
                publishAsync(batch, Thread.currentThread(), true), "a publisher that may wait always sends");
    }

    /**
     * Sends the batch on the lane's confirm channel and returns at once: the next batch need not wait for this
     * one's confirms (the broker's write to disk). A batch not confirmed within the confirm timeout fails, and its
     * channel is closed, failing the batches sent after it too. Without {@code mayWait}, nothing is sent (null) while
     * the lane has no open connection (opening one can wait for a connect timeout) or the broker has blocked it
     * (a memory or disk alarm: the send could wait until the alarm clears).
     */
    @Override
    public @Nullable CompletableFuture<Set<UUID>> publishAsync(List<Envelope> batch, Object lane, boolean mayWait) {
        Publisher publisher;
        try {
            publisher = publisherOf(lane, mayWait);
        } catch (RuntimeException e) { // no connection to the broker
            return CompletableFuture.failedFuture(e);
        }
        if (publisher == null) {
            return null;
        }
        try {
            CompletableFuture<Set<UUID>> confirmed = publisher.sendAsync(exchange, Envelope::type, batch);
            return confirmed
                    .orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((unroutable, failure) -> {
                        if (failure instanceof TimeoutException) {
                            publisher.close(); // replaced on this lane's next send
                        }
                    });
        } catch (IOException | RuntimeException e) {
            discard(lane, publisher);
            return CompletableFuture.failedFuture(
                    new IllegalStateException("RabbitMQ did not take the batch: " + e, e));
        }
    }

    /**
     * The lane's publisher; a new one if there is none or its connection died with the broker (a restart, a cut
     * connection), unless {@code mayWait} is false: then null, and null while the broker blocks the connection.
     */
    private @Nullable Publisher publisherOf(Object lane, boolean mayWait) {
        Publisher current = publishers.get(lane);
        if (current != null && !current.isOpen()) {
            discard(lane, current);
            current = null;
        }
        if (!mayWait) {
            return current == null || current.blocked() ? null : current;
        }
        return current != null ? current : publishers.computeIfAbsent(lane, l -> new Publisher());
    }

    private void discard(Object lane, Publisher publisher) {
        publisher.close();
        publishers.remove(lane, publisher);
    }

    private final Object redeliveryLock = new Object();
    private @Nullable Publisher redeliveryPublisher;

    /**
     * Publishes to {@code <namespace>.<module>} through the default exchange (so only that module's queue gets
     * it), persistent, mandatory and confirmed. Not part of the caller's database transaction: at least once.
     */
    @Override
    public void redeliver(String module, Envelope envelope) {
        String queue = exchange + "." + module;
        // the default exchange routes by queue name: only this module's queue gets it
        boolean returned = !sendToQueue("the re-delivery to " + queue, p -> p.send("", e -> queue, List.of(envelope)))
                .isEmpty();
        if (returned) {
            throw new IllegalStateException("queue " + queue + " does not exist; is module " + module + " subscribed?");
        }
    }

    /** A confirmed send on the one shared confirm channel. */
    private interface Send {
        Set<UUID> on(Publisher publisher) throws IOException, TimeoutException, InterruptedException;
    }

    /**
     * Runs {@code send} on the shared confirm channel (re-drives come from request threads, held-back messages from
     * consumer threads: one channel for all of them, not one per thread); returns the ids the broker could not route.
     */
    private Set<UUID> sendToQueue(String what, Send send) {
        synchronized (redeliveryLock) {
            try {
                if (redeliveryPublisher != null && !redeliveryPublisher.isOpen()) {
                    // closed since its last use (the broker restarted): open a new one rather than fail this one
                    redeliveryPublisher.close();
                    redeliveryPublisher = null;
                }
                if (redeliveryPublisher == null) {
                    redeliveryPublisher = new Publisher();
                }
                return send.on(redeliveryPublisher);
            } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
                if (redeliveryPublisher != null) {
                    redeliveryPublisher.close();
                    redeliveryPublisher = null;
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("RabbitMQ did not confirm " + what + ": " + e, e);
            }
        }
    }

    /** Every module's queue, retry queue and bindings: a module that has not started yet loses nothing. */
    @Override
    public void declare(Topology topology) {
        topology.consumers().forEach(this::declareQueue);
    }

    private String declareQueue(String module, Collection<String> types) {
        String queueName = exchange + "." + module;
        Queue queue = QueueBuilder.durable(queueName).build();
        // expired retries flow back to the main queue through the default exchange
        Queue retry = QueueBuilder.durable(queueName + ".retry")
                .deadLetterExchange("")
                .deadLetterRoutingKey(queueName)
                .build();
        admin.declareQueue(queue);
        admin.declareQueue(retry);
        TopicExchange topic = new TopicExchange(exchange, true, false);
        for (String type : types) {
            admin.declareBinding(BindingBuilder.bind(queue).to(topic).with(type));
        }
        return queueName;
    }

    @Override
    public void subscribe(MessageHandlers handlers, Dispatcher dispatcher) {
        String queueName = declareQueue(handlers.module(), handlers.types());
        TopicExchange topic = new TopicExchange(exchange, true, false);
        for (String type : handlers.retiredTypes()) {
            admin.removeBinding(
                    BindingBuilder.bind(new Queue(queueName)).to(topic).with(type));
        }
        String retryName = queueName + ".retry";
        consumedQueues.add(queueName);
        if (batchSize > 1 && handlers.batchable()) {
            BatchConsumer consumer = new BatchConsumer(
                    connectionFactory.getRabbitConnectionFactory(),
                    queueName,
                    Math.max(prefetch, batchSize),
                    batchSize,
                    Duration.ofSeconds(5),
                    () -> declareQueue(handlers.module(), handlers.types()),
                    (batch, channel) -> onBatch(handlers, dispatcher, retryName, batch, channel));
            batchConsumers.add(consumer);
            if (running) {
                consumer.start();
            }
            return;
        }
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(queueName);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(prefetch);
        container.setConcurrentConsumers(consumers);
        container.setDefaultRequeueRejected(true);
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> onMessage(
                handlers,
                dispatcher,
                retryName,
                message,
                requireNonNull(channel, "a listener with manual acknowledgement is given its channel")));
        containers.add(container);
        if (running) {
            container.start();
        }
    }

    /**
     * Deliveries applied in one transaction, recorded in the module's inbox by one statement
     * ({@link Dispatcher#dispatchBatch}), and acknowledged together (one multiple-ack of the last); when any of them
     * fails, nothing of the batch is kept and each is then handled on its own, with its own outcome (applied,
     * duplicate, retried, parked), as a single delivery is. Every batch while the reorder fault holds messages back is
     * handled one by one from the start.
     */
    private void onBatch(
            MessageHandlers handlers, Dispatcher dispatcher, String retryQueue, List<Message> batch, Channel channel)
            throws IOException {
        if (!faults.holdingBack()) {
            try {
                tx.executeWithoutResult(s -> dispatcher.dispatchBatch(
                        handlers,
                        batch.stream()
                                .map(m -> new Dispatcher.Delivery(Envelopes.from(m), Envelopes.intHeader(m, ATTEMPTS)))
                                .toList()));
                dispatcher.batchCommitted(handlers.module(), batch.size());
                channel.basicAck(
                        batch.get(batch.size() - 1).getMessageProperties().getDeliveryTag(), true);
                return;
            } catch (RuntimeException e) {
                dispatcher.batchRolledBack(handlers.module(), batch.size(), e);
            }
        }
        for (Message message : batch) {
            onMessage(handlers, dispatcher, retryQueue, message, channel);
            dispatcher.batchCommitted(handlers.module(), 1);
        }
    }

    private void onMessage(
            MessageHandlers handlers, Dispatcher dispatcher, String retryQueue, Message message, Channel channel)
            throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        Envelope envelope;
        try {
            envelope = Envelopes.from(message);
        } catch (RuntimeException e) {
            Envelope unreadable = Envelopes.unreadable(message);
            park(
                    dispatcher,
                    handlers.module(),
                    unreadable,
                    new PoisonMessageException("unreadable message properties: " + e.getMessage(), e),
                    1,
                    message);
            channel.basicAck(tag, false);
            return;
        }
        if (heldBack(handlers.module(), envelope, message)) {
            channel.basicAck(tag, false);
            return;
        }
        int attempts = Envelopes.intHeader(message, ATTEMPTS);
        try {
            tx.executeWithoutResult(s -> dispatcher.dispatch(handlers, envelope, attempts));
        } catch (RuntimeException e) {
            Object first = message.getMessageProperties().getHeaders().get(FIRST_FAILED_AT);
            Instant firstFailedAt = first == null ? null : Instant.parse(first.toString());
            Dispatcher.Failed failed = dispatcher.failed(handlers.module(), envelope, attempts, firstFailedAt, e);
            if (failed instanceof Dispatcher.Failed.Retry retry) {
                // dead-lettered back to the work queue when the per-message TTL (the backoff) expires
                Map<String, Object> headers =
                        new HashMap<>(message.getMessageProperties().getHeaders());
                headers.put(ATTEMPTS, retry.attempts());
                headers.put(FIRST_FAILED_AT, retry.firstFailedAt().toString());
                AMQP.BasicProperties props = Envelopes.properties(envelope, headers)
                        .builder()
                        .expiration(Long.toString(Math.max(1, retry.backoff().toMillis())))
                        .build();
                channel.basicPublish("", retryQueue, props, message.getBody());
            } else {
                tx.executeWithoutResult(s -> dispatcher.park(
                        handlers.module(), envelope, failed.error(), failed.attempts(), failed.firstFailedAt()));
            }
        }
        channel.basicAck(tag, false);
    }

    /**
     * The reorder fault: when this delivery draws a delay, the message is published (confirmed) to the module's delay
     * queue with that TTL, from where it is dead-lettered back to the end of the module's queue, and true is returned
     * (the caller acknowledges this delivery). Not held back again once it was; when the broker does not confirm, the
     * message is handled now.
     */
    private boolean heldBack(String module, Envelope envelope, Message message) {
        Map<String, Object> headers = message.getMessageProperties().getHeaders();
        if (headers.containsKey(HELD_BACK)) {
            return false;
        }
        Duration delay = faults.holdBack();
        if (delay.isZero()) {
            return false;
        }
        String held = exchange + "." + module + ".held";
        try {
            if (heldQueues.add(held)) {
                admin.declareQueue(QueueBuilder.durable(held)
                        .deadLetterExchange("")
                        .deadLetterRoutingKey(exchange + "." + module)
                        .build());
            }
            Map<String, Object> marked = new HashMap<>(headers);
            marked.put(HELD_BACK, delay.toMillis());
            AMQP.BasicProperties props = Envelopes.properties(envelope, marked)
                    .builder()
                    .expiration(Long.toString(delay.toMillis()))
                    .build();
            Set<UUID> returned = sendToQueue(
                    "the held-back " + envelope.messageId(), p -> p.send("", held, props, message.getBody()));
            if (!returned.isEmpty()) {
                heldQueues.remove(held); // deleted under us: declared again next time
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            heldQueues.remove(held);
            log.debug("could not hold back {}; handled now", envelope.messageId(), e);
            return false;
        }
    }

    private void park(
            Dispatcher dispatcher,
            String module,
            Envelope envelope,
            RuntimeException error,
            int attempts,
            Message message) {
        Object first = message.getMessageProperties().getHeaders().get(FIRST_FAILED_AT);
        Instant firstFailedAt = first == null ? Instant.now() : Instant.parse(first.toString());
        tx.executeWithoutResult(s -> dispatcher.park(module, envelope, error, attempts, firstFailedAt));
    }

    @Override
    public void start() {
        running = true;
        broadcasts.start();
        containers.forEach(SimpleMessageListenerContainer::start);
        batchConsumers.forEach(BatchConsumer::start);
    }

    @Override
    public void stop() {
        running = false;
        containers.forEach(SimpleMessageListenerContainer::stop);
        batchConsumers.forEach(c -> c.stop(Duration.ofSeconds(10)));
        publishers.values().forEach(Publisher::close);
        publishers.clear();
        closeRedeliveryPublisher();
        broadcasts.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    /** Closes the re-delivery channel, if one was opened (on stop). */
    private void closeRedeliveryPublisher() {
        synchronized (redeliveryLock) {
            if (redeliveryPublisher != null) {
                redeliveryPublisher.close();
                redeliveryPublisher = null;
            }
        }
    }

    /**
     * A confirm-mode channel per publishing thread or lane. Its confirms are tracked per batch ({@link Confirms}), so a
     * batch can be sent while earlier ones still wait for theirs ({@link #sendAsync}); {@link #send} waits for its own.
     */
    private final class Publisher {

        private final Connection connection;
        private final Channel channel;
        private final Confirms confirms = new Confirms();
        /** While the broker has blocked the connection (connection.blocked: a memory or disk alarm). */
        private volatile boolean blocked;

        Publisher() {
            try {
                connection = connectionFactory.getRabbitConnectionFactory().newConnection("orderflow-publisher");
                channel = connection.createChannel();
                channel.confirmSelect();
                channel.addReturnListener(r -> {
                    String id = r.getProperties().getMessageId();
                    if (id != null) {
                        confirms.returned(UUID.fromString(id));
                    }
                });
                channel.addConfirmListener(confirms::acked, confirms::nacked);
                channel.addShutdownListener(confirms::closed);
                connection.addBlockedListener(reason -> blocked = true, () -> blocked = false);
            } catch (IOException | TimeoutException e) {
                throw new IllegalStateException("cannot open a publisher channel to RabbitMQ", e);
            }
        }

        /**
         * Publishes persistent, mandatory messages without waiting: the future completes when the broker has
         * confirmed all of them, with the ids it could not route (RabbitMQ sends basic.return before the confirm of
         * an unroutable message), or exceptionally when it refused one or the channel closed first.
         */
        CompletableFuture<Set<UUID>> sendAsync(
                String exchangeName, Function<Envelope, String> routingKey, List<Envelope> batch) throws IOException {
            Confirms.Batch confirmed =
                    confirms.batch(batch.stream().map(Envelope::messageId).toList());
            for (Envelope e : batch) {
                confirms.track(channel.getNextPublishSeqNo(), confirmed);
                channel.basicPublish(
                        exchangeName,
                        routingKey.apply(e),
                        true,
                        Envelopes.properties(e, Map.of()),
                        e.payload().getBytes(StandardCharsets.UTF_8));
            }
            return confirmed.confirmed();
        }

        /** {@link #sendAsync}, waiting for the confirms; returns the ids the broker could not route. */
        Set<UUID> send(String exchangeName, Function<Envelope, String> routingKey, List<Envelope> batch)
                throws IOException, TimeoutException, InterruptedException {
            return confirmed(sendAsync(exchangeName, routingKey, batch));
        }

        /** One persistent, mandatory message with the given properties to {@code queue} (default exchange), confirmed. */
        Set<UUID> send(String exchangeName, String queue, AMQP.BasicProperties props, byte[] body)
                throws IOException, TimeoutException, InterruptedException {
            Confirms.Batch confirmed =
                    confirms.batch(List.of(UUID.fromString(requireNonNull(props.getMessageId(), "a message id"))));
            confirms.track(channel.getNextPublishSeqNo(), confirmed);
            channel.basicPublish(exchangeName, queue, true, props, body);
            return confirmed(confirmed.confirmed());
        }

        private Set<UUID> confirmed(CompletableFuture<Set<UUID>> confirmed)
                throws TimeoutException, InterruptedException {
            try {
                return confirmed.get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("RabbitMQ did not confirm: " + e.getCause(), e.getCause());
            }
        }

        boolean blocked() {
            return blocked;
        }

        /** False once the connection or channel is closed, by us or by the broker (noticed by the client's reader). */
        boolean isOpen() {
            return connection.isOpen() && channel.isOpen();
        }

        void close() {
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                log.debug("closing publisher connection", e);
            }
        }
    }
}
