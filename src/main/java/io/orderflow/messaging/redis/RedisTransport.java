package io.orderflow.messaging.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.orderflow.messaging.BroadcastListeners;
import io.orderflow.messaging.Dispatcher;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.Topology;
import io.orderflow.messaging.Transport;
import io.orderflow.messaging.TransportFaults;
import io.orderflow.platform.SampledGauges;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis Streams under the same handlers (ADR 0014). Under the prefix {@code orderflow.redis.prefix}:
 * <ul>
 * <li>{@code <prefix>:<module>}: the module's stream, read by its consumer group {@code <module>} (instances of the
 * module compete in it) with blocking {@code XREADGROUP}; an entry is acknowledged ({@code XACK}) after the
 * transaction that applied it committed, and taken over with {@code XAUTOCLAIM} when its consumer held it longer
 * than {@code orderflow.redis.claim-idle};</li>
 * <li>{@code <prefix>:<module>:retry}: a sorted set of failed entries scored by when they are due, moved back to the
 * stream by {@link StreamUpkeep} (which also trims what the group acknowledged);</li>
 * <li>{@code <prefix>:broadcast:<topic>}: a pub/sub channel per broadcast topic.</li>
 * </ul>
 * Routing is the {@link Topology}: a message type goes to the stream of every module that consumes it. Redis is not
 * in the database transaction, so messages leave through the outbox, which deletes its rows only after every
 * {@code XADD} of the batch was answered.
 *
 * <p>The chaos harness's reordering ({@link TransportFaults#holdBack()}, off unless switched on) puts a held-back
 * message into the module's retry set, due after its delay, instead of onto the stream: the upkeep moves it to the
 * stream then, behind the messages added meanwhile, as a first delivery (no attempt count).
 */
public class RedisTransport implements Transport, SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisTransport.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    /** Puts a failed entry in the retry set and acknowledges it, atomically: it is in exactly one of the two. */
    static final String RETRY_SCRIPT =
            "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) " + "return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])";

    private final String prefix;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> shared;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final int consumersPerModule;
    /** The chaos harness's reordering hook; off unless switched on. */
    private final TransportFaults faults;

    private final Duration claimIdle;
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    /** Message type to the modules that consume it. */
    private final Map<String, Set<String>> routes = new ConcurrentHashMap<>();

    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final Map<String, StreamConsumer.Group> consumed = new ConcurrentHashMap<>();
    private final List<StreamConsumer> consumers = new CopyOnWriteArrayList<>();
    private final StreamUpkeep upkeep;
    private final BroadcastListeners broadcastListeners = new BroadcastListeners();
    private @Nullable StatefulRedisPubSubConnection<String, String> pubSub;
    private final ExecutorService broadcastDelivery = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "redis-broadcasts");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    /**
     * @param url {@code redis://host:port} (or {@code rediss://}, with credentials in the URL)
     * @param prefix names every key and channel, so installations and test runs can share one server
     * @param claimIdle how long an entry may stay unacknowledged with one consumer before another takes it over
     */
    public RedisTransport(
            String url,
            String prefix,
            PlatformTransactionManager transactions,
            JsonMapper json,
            int consumersPerModule,
            Duration claimIdle,
            SampledGauges gauges,
            TransportFaults faults) {
        this.prefix = prefix;
        this.faults = faults;
        this.tx = new TransactionTemplate(transactions);
        this.json = json;
        this.consumersPerModule = consumersPerModule;
        this.claimIdle = claimIdle;
        // a Redis that comes back is found within 2 s (Lettuce's default backs off up to 30 s)
        this.resources = ClientResources.builder()
                .reconnectDelay(
                        () -> Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, RedisURI.create(url));
        // while Redis is away, commands fail at once (the relay keeps its rows, consumers back off) instead of
        // queueing in the client; Lettuce reconnects by itself and re-subscribes the broadcast channels
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        this.shared = client.connect();
        this.upkeep = new StreamUpkeep(this);
        gauges.register("redis streams", () -> upkeep.sample(gauges));
    }

    String stream(String module) {
        return prefix + ":" + module;
    }

    String retrySet(String module) {
        return prefix + ":" + module + ":retry";
    }

    private String channel(String topic) {
        return prefix + ":broadcast:" + topic;
    }

    /** The connection every thread shares for non-blocking commands (Lettuce multiplexes it). */
    RedisCommands<String, String> redis() {
        return shared.sync();
    }

    /** A connection of its own, for a consumer's blocking reads. */
    StatefulRedisConnection<String, String> connect() {
        return client.connect();
    }

    TransactionTemplate tx() {
        return tx;
    }

    JsonMapper json() {
        return json;
    }

    Duration claimIdle() {
        return claimIdle;
    }

    boolean running() {
        return running;
    }

    /** The modules this process consumes, with their stream keys. */
    Map<String, StreamConsumer.Group> consumed() {
        return consumed;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public boolean holdsBack() {
        return true;
    }

    /**
     * {@code XADD}s every routed message to the stream of each module that consumes its type, all sent before the
     * first reply is awaited, and returns once Redis answered every one of them (or throws: then the outbox keeps
     * the whole batch and a later attempt may add some entries twice, which the inbox absorbs). A message the chaos
     * harness holds back goes to each module's retry set instead, due after its delay.
     */
    @Override
    public Set<UUID> publish(List<Envelope> batch) {
        Set<UUID> unroutable = new HashSet<>();
        List<RedisFuture<?>> replies = new ArrayList<>();
        List<Long> heldUntil = new ArrayList<>();
        for (Envelope e : batch) {
            Set<String> modules = routes.getOrDefault(e.type(), Set.of());
            if (modules.isEmpty()) {
                unroutable.add(e.messageId());
                continue;
            }
            Map<String, String> fields = RedisEnvelopes.fields(e, json);
            Duration held = faults.holdBack();
            for (String module : modules) {
                replies.add(add(module, fields, held, heldUntil));
            }
        }
        await(replies, "the batch");
        heldUntil.forEach(upkeep::dueAt);
        return unroutable;
    }

    /**
     * {@code XADD} of the entry to the module's stream; held back by the chaos harness, {@code ZADD} to its retry set
     * instead, due after {@code held} (noted in {@code heldUntil} for the upkeep, once Redis answered).
     */
    private RedisFuture<?> add(String module, Map<String, String> fields, Duration held, List<Long> heldUntil) {
        if (held.isZero()) {
            return shared.async().xadd(stream(module), fields);
        }
        long due = Instant.now().plus(held).toEpochMilli();
        heldUntil.add(due);
        return shared.async().zadd(retrySet(module), (double) due, json.writeValueAsString(fields));
    }

    private static void await(List<? extends RedisFuture<?>> replies, String what) {
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        try {
            for (RedisFuture<?> reply : replies) {
                reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Redis did not take " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Redis took " + what, e);
        }
    }

    /**
     * {@code XADD}s the envelope to {@code module}'s stream only, without attempt count, and returns once Redis
     * answered. Not part of the caller's database transaction: at least once, like RabbitMQ. Held back by the chaos
     * harness, it goes to the module's retry set instead, as in {@link #publish}.
     */
    @Override
    public void redeliver(String module, Envelope envelope) {
        if (!declared.contains(module)) {
            throw new IllegalStateException(
                    "stream " + stream(module) + " is not declared; is module " + module + " subscribed?");
        }
        List<Long> heldUntil = new ArrayList<>();
        await(
                List.of(add(module, RedisEnvelopes.fields(envelope, json), faults.holdBack(), heldUntil)),
                stream(module));
        heldUntil.forEach(upkeep::dueAt);
    }

    /** Every module's stream and consumer group, and the routing: a module that has not started yet loses nothing. */
    @Override
    public void declare(Topology topology) {
        topology.consumers().forEach((module, types) -> {
            declareGroup(module);
            types.forEach(type -> route(type, module));
        });
    }

    private void route(String type, String module) {
        routes.computeIfAbsent(type, t -> ConcurrentHashMap.newKeySet()).add(module);
    }

    /**
     * Creates the module's consumer group (and its stream) unless it exists. It starts at the stream's first entry,
     * so nothing added before the group existed is skipped; also called when a read finds the group gone (a Redis
     * that lost its data).
     */
    void declareGroup(String module) {
        try {
            redis().xgroupCreate(StreamOffset.from(stream(module), "0"), module, new XGroupCreateArgs().mkstream(true));
        } catch (RedisCommandExecutionException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        declared.add(module);
    }

    @Override
    public void subscribe(MessageHandlers handlers, Dispatcher dispatcher) {
        String module = handlers.module();
        declareGroup(module);
        handlers.types().forEach(type -> route(type, module));
        handlers.retiredTypes()
                .forEach(type -> routes.getOrDefault(type, Set.of()).remove(module));
        StreamConsumer.Group group = new StreamConsumer.Group(module, stream(module), retrySet(module));
        consumed.put(module, group);
        for (int i = 0; i < consumersPerModule; i++) {
            // the first consumer of each module also takes over what dead consumers held
            StreamConsumer consumer =
                    new StreamConsumer(this, group, handlers, dispatcher, instanceId + "-" + i, i == 0);
            consumers.add(consumer);
            if (running) {
                consumer.start();
            }
        }
    }

    /**
     * Puts a failed entry into its module's retry set, due after {@code backoff}, and acknowledges it in the
     * stream, in one script.
     */
    void retryLater(StreamConsumer.Group group, String entryId, Map<String, String> fields, Duration backoff) {
        long due = Instant.now().plus(backoff).toEpochMilli();
        redis().eval(
                        RETRY_SCRIPT,
                        ScriptOutputType.INTEGER,
                        new String[] {group.stream(), group.retrySet()},
                        group.module(),
                        entryId,
                        Long.toString(due),
                        json.writeValueAsString(fields));
        upkeep.dueAt(due);
    }

    /** Ready entries not yet delivered to the module's group, per consumed stream (waiting retries not counted). */
    @Override
    public Map<String, Long> backlog() {
        Map<String, Long> ready = new TreeMap<>();
        for (StreamConsumer.Group group : consumed.values()) {
            ready.put(group.stream(), upkeep.lag(group));
        }
        return ready;
    }

    @Override
    public void broadcast(String topic, String payload) {
        try {
            shared.async().publish(channel(topic), payload);
        } catch (RuntimeException e) {
            log.debug("broadcast {} lost; subscribers catch up on their next sweep", topic, e);
        }
    }

    /**
     * Subscribes to the topic's channel: every process hears every broadcast, its own included. Listeners run on a
     * thread of their own, never on the client's I/O thread.
     */
    @Override
    public void onBroadcast(String topic, Consumer<String> listener) {
        broadcastListeners.add(topic, listener);
        pubSub().sync().subscribe(channel(topic));
    }

    private synchronized StatefulRedisPubSubConnection<String, String> pubSub() {
        StatefulRedisPubSubConnection<String, String> connection = pubSub;
        if (connection == null) {
            connection = client.connectPubSub();
            String channels = prefix + ":broadcast:";
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    if (channel.startsWith(channels)) {
                        String topic = channel.substring(channels.length());
                        broadcastDelivery.execute(() -> broadcastListeners.deliver(topic, message));
                    }
                }
            });
            pubSub = connection;
        }
        return connection;
    }

    /** Whether Redis answers a PING now (for the health indicator). */
    public boolean reachable() {
        try {
            return "PONG".equals(shared.async().ping().get(1, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The prefix of every key and channel (for the health details). */
    public String prefix() {
        return prefix;
    }

    @Override
    public void start() {
        running = true;
        upkeep.start();
        consumers.forEach(StreamConsumer::start);
    }

    @Override
    public void stop() {
        running = false;
        upkeep.stop();
        consumers.forEach(StreamConsumer::awaitStopped);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public void close() {
        broadcastDelivery.shutdownNow();
        StatefulRedisPubSubConnection<String, String> connection = pubSub;
        if (connection != null) {
            connection.close();
        }
        shared.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
}
