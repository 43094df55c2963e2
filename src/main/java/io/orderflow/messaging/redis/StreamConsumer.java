package io.orderflow.messaging.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.orderflow.messaging.Dispatcher;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.PoisonMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a module's group: a thread with a connection of its own for blocking reads. It applies each
 * entry in a database transaction and acknowledges it after the commit; a failed entry goes to the retry set or the
 * module's dead letters, as the kernel decides. The first consumer of each module also takes over, with
 * {@code XAUTOCLAIM}, entries that any consumer (a dead one, or one whose acknowledgement did not reach Redis) has
 * held longer than the claim idle time; the inbox makes their second application a no-op.
 */
final class StreamConsumer {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final int CLAIM_BATCH = 16;

    /** A consumed module's keys. */
    record Group(String module, String stream, String retrySet) {}

    private final RedisTransport transport;
    private final Group group;
    private final MessageHandlers handlers;
    private final Dispatcher dispatcher;
    private final io.lettuce.core.Consumer<String> me;
    private final boolean claims;
    private final long claimEveryNanos;
    private @Nullable Thread thread;

    StreamConsumer(
            RedisTransport transport,
            Group group,
            MessageHandlers handlers,
            Dispatcher dispatcher,
            String name,
            boolean claims) {
        this.transport = transport;
        this.group = group;
        this.handlers = handlers;
        this.dispatcher = dispatcher;
        this.me = io.lettuce.core.Consumer.from(group.module(), name);
        this.claims = claims;
        // an entry is taken over between one and one and a quarter claim idle times after its last delivery
        this.claimEveryNanos =
                Math.max(Duration.ofMillis(100).toNanos(), transport.claimIdle().toNanos() / 4);
    }

    void start() {
        Thread consumer = new Thread(this::run, "redis-consumer-" + group.module() + "-" + me.getName());
        consumer.setDaemon(true);
        thread = consumer;
        consumer.start();
    }

    /** Waits for the thread to finish the entry in hand (it reads at most {@link #BLOCK} more). */
    void awaitStopped() {
        Thread consumer = thread;
        if (consumer == null) {
            return;
        }
        try {
            consumer.join(BLOCK.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        StatefulRedisConnection<String, String> connection = null;
        String claimCursor = "0-0";
        long claimAt = System.nanoTime(); // at start: take over at once what a dead instance held
        int failures = 0;
        while (transport.running()) {
            try {
                if (connection == null || !connection.isOpen()) {
                    connection = transport.connect();
                }
                RedisCommands<String, String> redis = connection.sync();
                if (claims && System.nanoTime() - claimAt >= 0) {
                    ClaimedMessages<String, String> claimed = redis.xautoclaim(
                            group.stream(),
                            new XAutoClaimArgs<String>()
                                    .consumer(me)
                                    .minIdleTime(transport.claimIdle())
                                    .startId(claimCursor)
                                    .count(CLAIM_BATCH));
                    claimCursor = claimed.getId();
                    if (!claimed.getMessages().isEmpty()) {
                        log.info(
                                "{} took over {} entries idle for {} ms or more",
                                me.getName(),
                                claimed.getMessages().size(),
                                transport.claimIdle().toMillis());
                    }
                    claimed.getMessages().forEach(this::handle);
                    if ("0-0".equals(claimCursor)) {
                        claimAt = System.nanoTime() + claimEveryNanos; // scanned the whole pending list
                    }
                }
                List<StreamMessage<String, String>> read = redis.xreadgroup(
                        me, XReadArgs.Builder.block(BLOCK).count(1), StreamOffset.lastConsumed(group.stream()));
                read.forEach(this::handle);
                failures = 0;
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    // the stream or its group is gone (a Redis that lost its data): declare it again and go on
                    log.warn("{} lost its consumer group; declaring it again", group.stream());
                    recover(() -> transport.declareGroup(group.module()));
                } else {
                    backOff(++failures, e);
                }
            } catch (RuntimeException e) {
                backOff(++failures, e);
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    private void recover(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            backOff(1, e);
        }
    }

    private void backOff(int failures, RuntimeException e) {
        if (failures == 1 || failures % 50 == 0) {
            log.warn("Consumer {} of {} failed ({} in a row); backing off", me.getName(), group.stream(), failures, e);
        }
        if (transport.running()) {
            LockSupport.parkNanos(Duration.ofMillis(Math.min(2_000, 50L << Math.min(failures, 6)))
                    .toNanos());
        }
    }

    /**
     * Applies one entry and acknowledges it once the transaction committed. A failure of Redis itself (the
     * acknowledgement or the retry set) propagates: the entry stays pending and is taken over later.
     */
    void handle(StreamMessage<String, String> entry) {
        Map<String, String> fields = entry.getBody();
        if (fields == null || fields.isEmpty()) {
            // claimed after it was deleted from the stream: nothing left to apply
            ack(entry);
            return;
        }
        Envelope envelope;
        int failedBefore;
        @Nullable Instant firstFailedAt;
        try {
            envelope = RedisEnvelopes.from(fields, transport.json());
            failedBefore = RedisEnvelopes.attempts(fields);
            firstFailedAt = RedisEnvelopes.firstFailedAt(fields);
        } catch (RuntimeException e) {
            Envelope unreadable = RedisEnvelopes.unreadable(fields);
            PoisonMessageException poison =
                    new PoisonMessageException("unreadable stream entry " + entry.getId() + ": " + e.getMessage(), e);
            transport
                    .tx()
                    .executeWithoutResult(s -> dispatcher.park(group.module(), unreadable, poison, 1, Instant.now()));
            ack(entry);
            return;
        }
        try {
            transport.tx().executeWithoutResult(s -> dispatcher.dispatch(handlers, envelope, failedBefore));
        } catch (RuntimeException e) {
            Dispatcher.Failed failed = dispatcher.failed(group.module(), envelope, failedBefore, firstFailedAt, e);
            if (failed instanceof Dispatcher.Failed.Retry retry) {
                transport.retryLater(
                        group,
                        entry.getId(),
                        RedisEnvelopes.retried(fields, retry.attempts(), retry.firstFailedAt()),
                        retry.backoff());
                return;
            }
            transport
                    .tx()
                    .executeWithoutResult(s -> dispatcher.park(
                            group.module(), envelope, failed.error(), failed.attempts(), failed.firstFailedAt()));
        }
        ack(entry);
    }

    private void ack(StreamMessage<String, String> entry) {
        transport.redis().xack(group.stream(), group.module(), entry.getId());
    }
}
