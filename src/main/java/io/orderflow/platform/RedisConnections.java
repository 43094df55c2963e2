package io.orderflow.platform;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * One Lettuce connection factory per Redis URL for what this process keeps in Redis besides messages (the catalog
 * cache, the rate limiter's buckets): users of one server share one client and its threads. Commands fail at once
 * while Redis is disconnected (nothing queues behind a dead server) and time out after {@link #COMMAND_TIMEOUT}, or a
 * connection's own timeout. Created on first use: a process that names no Redis opens nothing.
 */
@Component
public class RedisConnections implements DisposableBean {

    /**
     * How long a command on the shared connection may take: far beyond a healthy Redis's answer (well under a
     * millisecond, a few on a loaded machine), short enough that a hung one costs a read little before it goes to
     * PostgreSQL (a Redis that is down costs nothing: commands fail at once). A user with its own connection sets its
     * own (the rate limiter's {@code redis-timeout}, also 250 ms by default). 100 ms timed out on a loaded test
     * machine (load 22 on 2 cores) right after the first connection.
     */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);

    private final Map<String, LettuceConnectionFactory> factories = new ConcurrentHashMap<>();
    // threads and timers, made on first use; a Redis that comes back is found within 2 s (Lettuce's default backs
    // off up to 30 s)
    private volatile @Nullable ClientResources resources;

    /** The factory for {@code url} ({@code redis://host:port[/db]}), started. */
    public LettuceConnectionFactory factory(String url) {
        return factories.computeIfAbsent(url.trim(), this::create);
    }

    /** The Lettuce client under {@link #factory}, for libraries that open their own connection (Bucket4j). */
    public RedisClient client(String url) {
        return (RedisClient) factory(url).getRequiredNativeClient();
    }

    private synchronized ClientResources resources() {
        ClientResources current = resources;
        if (current == null) {
            current = ClientResources.builder()
                    .reconnectDelay(() ->
                            Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                    .build();
            resources = current;
        }
        return current;
    }

    private LettuceConnectionFactory create(String url) {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .clientResources(resources())
                .clientOptions(ClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        // each connection's own timeout (Bucket4j's sets a shorter one)
                        .timeoutOptions(TimeoutOptions.enabled())
                        .socketOptions(SocketOptions.builder()
                                .connectTimeout(Duration.ofSeconds(2))
                                .build())
                        .build())
                .commandTimeout(COMMAND_TIMEOUT)
                .build();
        LettuceConnectionFactory factory =
                new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(url), client);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    @Override
    public void destroy() {
        factories.values().forEach(LettuceConnectionFactory::destroy);
        factories.clear();
        ClientResources current = resources;
        if (current != null) {
            current.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
