package io.orderflow.platform.security;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.RedisConnections;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Token buckets (Bucket4j) per client and route class: in Redis when {@code orderflow.rate-limit.redis-url} is
 * set, so every instance draws from the same bucket, else in this process. When Redis does not answer, reads
 * and orders go through (fail open) and sign-in and registration are refused (fail closed), and the health
 * details and {@code orderflow.ratelimit.store.up} say so.
 */
public class RateLimiter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final String EVERY_CLASS = "the settings give every route class a limit";

    /** What the limiter decided for one request. */
    public record Decision(
            Outcome outcome,
            RouteClass routeClass,
            RateLimitSettings.Limit limit,
            long remaining,
            long secondsToRetry,
            long secondsToFull) {

        boolean allowed() {
            return outcome == Outcome.ALLOWED || outcome == Outcome.FAILED_OPEN;
        }
    }

    public enum Outcome {
        ALLOWED,
        LIMITED,
        FAILED_OPEN,
        FAILED_CLOSED
    }

    private final Map<RouteClass, RateLimitSettings.Limit> limits;
    private final Map<RouteClass, BucketConfiguration> configurations = new EnumMap<>(RouteClass.class);
    /** The buckets in this process; null when they are in Redis. */
    private final @Nullable Cache<String, Bucket> local;
    /** The client of the Redis that holds the buckets; null when they are in this process. */
    private final @Nullable RedisClient redis;

    private final Duration redisTimeout;
    /** Null until the first connection to Redis succeeds (and always with buckets in this process). */
    private volatile @Nullable StatefulRedisConnection<String, byte[]> connection;

    private volatile @Nullable ProxyManager<String> shared;
    private volatile long lastConnectAttempt;
    private final String keyPrefix;
    private final AtomicBoolean storeUp = new AtomicBoolean(true);
    private final MeterRegistry meters;

    /** With buckets in Redis, they are kept through {@code redis}'s client for that URL, shared with the cache. */
    public RateLimiter(RateLimitSettings settings, MeterRegistry meters, RedisConnections redis) {
        this.limits = settings.limits();
        this.meters = meters;
        this.keyPrefix = settings.keyPrefix();
        limits.forEach((routeClass, limit) -> configurations.put(
                routeClass,
                BucketConfiguration.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(limit.capacity())
                                .refillGreedy(limit.capacity(), limit.period())
                                .build())
                        .build()));
        Duration longest = limits.values().stream()
                .map(RateLimitSettings.Limit::period)
                .max(Duration::compareTo)
                .orElse(Duration.ofMinutes(1));
        this.redisTimeout = settings.redisTimeout();
        if (settings.redisUrl() == null || settings.redisUrl().isBlank()) {
            this.local = Caffeine.newBuilder()
                    .maximumSize(100_000)
                    .expireAfterAccess(longest)
                    .build();
            this.redis = null;
        } else {
            this.local = null;
            // the client every user of this Redis shares: a down Redis does not hold requests (commands fail at once
            // while disconnected); this limiter's connection times out after redis-timeout
            RedisClient client = redis.client(settings.redisUrl());
            this.redis = client;
            connect(client);
        }
        Gauge.builder("orderflow.ratelimit.store.up", () -> storeUp.get() ? 1 : 0)
                .description("1 when the rate-limit store answers (always 1 for in-process buckets)")
                .tag("store", store())
                .register(meters);
    }

    /**
     * Opens the connection to Redis. Once connected, Lettuce reconnects by itself; until the first connection
     * succeeds, this is tried again at most every few seconds, by requests that need the store. Null while it has
     * not succeeded.
     */
    private synchronized @Nullable ProxyManager<String> connect(RedisClient client) {
        if (shared != null || System.nanoTime() - lastConnectAttempt < 5_000_000_000L && lastConnectAttempt != 0) {
            return shared;
        }
        lastConnectAttempt = System.nanoTime();
        try {
            StatefulRedisConnection<String, byte[]> connected =
                    client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            connected.setTimeout(redisTimeout);
            connection = connected;
            shared = Bucket4jLettuce.casBasedBuilder(connected)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .requestTimeout(redisTimeout)
                    .build();
            storeUp.set(true);
        } catch (RuntimeException e) {
            log.warn("Rate-limit store Redis is not reachable: {}", e.toString());
            storeUp.set(false);
        }
        return shared;
    }

    /** Takes a token for {@code client} from the bucket of {@code routeClass}. */
    public Decision consume(RouteClass routeClass, String client) {
        RateLimitSettings.Limit limit = requireNonNull(limits.get(routeClass), EVERY_CLASS);
        Decision decision;
        try {
            ConsumptionProbe probe = bucket(routeClass, client).tryConsumeAndReturnRemaining(1);
            storeUp.set(true);
            decision = new Decision(
                    probe.isConsumed() ? Outcome.ALLOWED : Outcome.LIMITED,
                    routeClass,
                    limit,
                    probe.getRemainingTokens(),
                    seconds(probe.getNanosToWaitForRefill()),
                    seconds(probe.getNanosToWaitForReset()));
        } catch (RuntimeException storeDown) {
            if (storeUp.getAndSet(false)) {
                log.warn(
                        "Rate-limit store failed ({}); {} fail open, sign-in and registration fail closed",
                        storeDown.toString(),
                        "reads, orders and other writes");
            }
            decision = new Decision(
                    routeClass.failsOpen() ? Outcome.FAILED_OPEN : Outcome.FAILED_CLOSED, routeClass, limit, 0, 5, 0);
        }
        Counter.builder("orderflow.ratelimit.decisions")
                .description("Rate-limit decisions by route class and outcome")
                .tag("class", routeClass.key())
                .tag("outcome", decision.outcome().name().toLowerCase(Locale.ROOT))
                .register(meters)
                .increment();
        return decision;
    }

    private Bucket bucket(RouteClass routeClass, String client) {
        String key = keyPrefix + routeClass.key() + ":" + client;
        BucketConfiguration configuration = requireNonNull(configurations.get(routeClass), EVERY_CLASS);
        if (local != null) {
            return local.get(
                    key,
                    k -> Bucket.builder()
                            .addLimit(configuration.getBandwidths()[0])
                            .build());
        }
        ProxyManager<String> store = shared;
        if (store == null) {
            store = connect(requireNonNull(redis, "buckets not in this process are in Redis"));
        }
        if (store == null) {
            throw new IllegalStateException("Redis is not reachable");
        }
        return store.builder().build(key, () -> configuration);
    }

    /** {@code redis} or {@code local}. */
    public String store() {
        return redis == null ? "local" : "redis";
    }

    public boolean storeUp() {
        StatefulRedisConnection<String, byte[]> current = connection;
        if (redis != null && (current == null || !current.isOpen())) {
            storeUp.set(false);
        }
        return storeUp.get();
    }

    private static long seconds(long nanos) {
        return Math.max(0, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    @Override
    public void destroy() {
        StatefulRedisConnection<String, byte[]> current = connection;
        if (current != null) {
            current.close();
        }
        // the client is RedisConnections', shut down with it
    }
}
