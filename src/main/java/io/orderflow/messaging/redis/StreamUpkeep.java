package io.orderflow.messaging.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import io.micrometer.core.instrument.Tags;
import io.orderflow.platform.SampledGauges;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread per process for the streams it consumes: moves retries that came due from the retry set back to their
 * stream, trims what the group acknowledged, and forgets consumers that have held nothing for an hour (those of
 * stopped instances). Also reads the streams' gauges.
 */
final class StreamUpkeep {

    private static final Logger log = LoggerFactory.getLogger(StreamUpkeep.class);
    private static final int MOVE_BATCH = 100;
    /** How often the retry sets are looked at when no retry of this process is due sooner (other processes'). */
    private static final long POLL_MILLIS = 250;

    private static final long TRIM_EVERY_MILLIS = 1_000;
    private static final long FORGET_EVERY_MILLIS = 60_000;
    private static final long FORGET_IDLE_MILLIS = Duration.ofHours(1).toMillis();
    /** Beyond this many undelivered entries the lag is reported as this many (only when Redis cannot say). */
    private static final int LAG_COUNT_LIMIT = 10_000;

    /**
     * Moves up to ARGV[2] entries due by ARGV[1] (epoch ms) from the retry set KEYS[1] to the stream KEYS[2], each
     * removed from the set in the same script, so two processes moving at once never add one twice. Returns how
     * many it moved and the score of the next entry due ('' when none).
     */
    static final String MOVE_SCRIPT = "local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, "
            + "tonumber(ARGV[2])) "
            + "for _, member in ipairs(due) do "
            + "  local fields = {} "
            + "  for k, v in pairs(cjson.decode(member)) do fields[#fields + 1] = k; fields[#fields + 1] = v end "
            + "  redis.call('XADD', KEYS[2], '*', unpack(fields)) "
            + "  redis.call('ZREM', KEYS[1], member) "
            + "end "
            + "local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES') "
            + "return {#due, next[2] or ''}";

    private final RedisTransport transport;
    private final Object signal = new Object();
    /** Epoch ms when the earliest retry this process knows of comes due. */
    private long nextDue = Long.MAX_VALUE;

    private @Nullable Thread thread;
    private int failures;

    StreamUpkeep(RedisTransport transport) {
        this.transport = transport;
    }

    void start() {
        Thread upkeep = new Thread(this::run, "redis-stream-upkeep");
        upkeep.setDaemon(true);
        thread = upkeep;
        upkeep.start();
    }

    void stop() {
        synchronized (signal) {
            signal.notifyAll();
        }
        Thread upkeep = thread;
        if (upkeep != null) {
            try {
                upkeep.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A retry this process scheduled comes due at {@code epochMillis}: wakes the thread if that is sooner. */
    void dueAt(long epochMillis) {
        synchronized (signal) {
            if (epochMillis < nextDue) {
                nextDue = epochMillis;
                signal.notifyAll();
            }
        }
    }

    private void run() {
        long trimAt = 0;
        long forgetAt = System.currentTimeMillis() + FORGET_EVERY_MILLIS;
        while (transport.running()) {
            long now = System.currentTimeMillis();
            long next = now + POLL_MILLIS;
            synchronized (signal) {
                nextDue = Long.MAX_VALUE;
            }
            try {
                for (StreamConsumer.Group group : transport.consumed().values()) {
                    next = Math.min(next, moveDue(group, now));
                }
                if (now >= trimAt) {
                    transport.consumed().values().forEach(this::trim);
                    trimAt = now + TRIM_EVERY_MILLIS;
                }
                if (now >= forgetAt) {
                    transport.consumed().values().forEach(this::forgetIdleConsumers);
                    forgetAt = now + FORGET_EVERY_MILLIS;
                }
                failures = 0;
            } catch (RuntimeException e) {
                if (++failures == 1 || failures % 50 == 0) {
                    log.warn("Redis stream upkeep failed ({} in a row); trying again", failures, e);
                }
                next = now + Math.min(2_000, 50L << Math.min(failures, 6));
            }
            awaitUntil(next);
        }
    }

    private void awaitUntil(long next) {
        synchronized (signal) {
            long wait;
            while (transport.running() && (wait = Math.min(next, nextDue) - System.currentTimeMillis()) > 0) {
                try {
                    signal.wait(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Moves the module's due retries back to its stream; returns when to look again (epoch ms). */
    private long moveDue(StreamConsumer.Group group, long now) {
        List<Object> result = transport
                .redis()
                .eval(
                        MOVE_SCRIPT,
                        ScriptOutputType.MULTI,
                        new String[] {group.retrySet(), group.stream()},
                        Long.toString(now),
                        Integer.toString(MOVE_BATCH));
        long moved = ((Number) result.get(0)).longValue();
        String nextScore = String.valueOf(result.get(1));
        if (moved == MOVE_BATCH) {
            return now; // more are due
        }
        return nextScore.isEmpty() ? Long.MAX_VALUE : (long) Double.parseDouble(nextScore);
    }

    /**
     * Removes the entries the group has acknowledged: everything before both its last delivered entry and its oldest
     * pending one ({@code XTRIM MINID ~}, which removes whole internal nodes only, so a few acknowledged entries may
     * stay until the next trim). The group's position is read before its pending list, so an entry delivered in
     * between is above the position and stays.
     */
    void trim(StreamConsumer.Group group) {
        RedisCommands<String, String> redis = transport.redis();
        Map<String, Object> info = groupInfo(redis, group);
        if (info == null) {
            return;
        }
        String minId = String.valueOf(info.get("last-delivered-id"));
        PendingMessages pending = redis.xpending(group.stream(), group.module());
        if (pending.getCount() > 0) {
            String oldest = pending.getMessageIds().getLower().getValue();
            if (oldest != null && compareIds(oldest, minId) < 0) {
                minId = oldest;
            }
        }
        if (!"0-0".equals(minId)) {
            redis.xtrim(group.stream(), new XTrimArgs().minId(minId).approximateTrimming());
        }
    }

    private void forgetIdleConsumers(StreamConsumer.Group group) {
        RedisCommands<String, String> redis = transport.redis();
        for (Object consumer : redis.xinfoConsumers(group.stream(), group.module())) {
            Map<String, Object> info = pairs(consumer);
            if (number(info.get("pending")) == 0 && number(info.get("idle")) > FORGET_IDLE_MILLIS) {
                redis.xgroupDelconsumer(
                        group.stream(),
                        io.lettuce.core.Consumer.from(group.module(), String.valueOf(info.get("name"))));
            }
        }
    }

    /**
     * Entries not yet delivered to the group: what Redis reports as the group's lag (7.0 and later), else counted
     * after the group's last delivered entry, up to {@link #LAG_COUNT_LIMIT}.
     */
    long lag(StreamConsumer.Group group) {
        RedisCommands<String, String> redis = transport.redis();
        Map<String, Object> info = groupInfo(redis, group);
        if (info == null) {
            return 0;
        }
        Object lag = info.get("lag");
        if (lag instanceof Number n) {
            return n.longValue();
        }
        return redis.xrange(
                        group.stream(),
                        Range.from(
                                Range.Boundary.excluding(String.valueOf(info.get("last-delivered-id"))),
                                Range.Boundary.unbounded()),
                        Limit.create(0, LAG_COUNT_LIMIT))
                .size();
    }

    /** Stream length, pending entries and the age of the oldest pending one, and waiting retries, per module. */
    void sample(SampledGauges gauges) {
        RedisCommands<String, String> redis = transport.redis();
        for (StreamConsumer.Group group : transport.consumed().values()) {
            Tags tags = Tags.of("module", group.module());
            gauges.set(
                    "orderflow.redis.stream.length",
                    "Entries in the module's stream (acknowledged ones until the next trim)",
                    null,
                    tags,
                    redis.xlen(group.stream()));
            PendingMessages pending = redis.xpending(group.stream(), group.module());
            gauges.set(
                    "orderflow.redis.stream.pending",
                    "Entries delivered to a consumer of the module and not yet acknowledged",
                    null,
                    tags,
                    pending.getCount());
            double age = 0;
            if (pending.getCount() > 0) {
                String oldest = pending.getMessageIds().getLower().getValue();
                if (oldest != null) {
                    age = Math.max(0, System.currentTimeMillis() - millisOf(oldest)) / 1000.0;
                }
            }
            gauges.set(
                    "orderflow.redis.stream.oldest_pending_age",
                    "How long ago the oldest unacknowledged entry was added to the stream",
                    "seconds",
                    tags,
                    age);
            gauges.set(
                    "orderflow.redis.retry.waiting",
                    "Failed entries waiting out their backoff in the module's retry set",
                    null,
                    tags,
                    redis.zcard(group.retrySet()));
        }
    }

    private static @Nullable Map<String, Object> groupInfo(
            RedisCommands<String, String> redis, StreamConsumer.Group group) {
        for (Object g : redis.xinfoGroups(group.stream())) {
            Map<String, Object> info = pairs(g);
            if (group.module().equals(String.valueOf(info.get("name")))) {
                return info;
            }
        }
        return null;
    }

    /** A reply of alternating names and values (XINFO), as a map. */
    private static Map<String, Object> pairs(Object reply) {
        Map<String, Object> map = new HashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                Object value = list.get(i + 1);
                if (value != null) {
                    map.put(String.valueOf(list.get(i)), value);
                }
            }
        }
        return map;
    }

    /** A numeric field of an XINFO reply, or -1 when it is missing. */
    private static long number(@Nullable Object value) {
        return value instanceof Number n ? n.longValue() : -1;
    }

    /** Stream ids are {@code <ms>-<seq>}: compared as the pair of numbers they are. */
    static int compareIds(String a, String b) {
        int byMillis = Long.compare(millisOf(a), millisOf(b));
        return byMillis != 0 ? byMillis : Long.compare(seqOf(a), seqOf(b));
    }

    static long millisOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    private static long seqOf(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? 0 : Long.parseLong(id.substring(dash + 1));
    }
}
