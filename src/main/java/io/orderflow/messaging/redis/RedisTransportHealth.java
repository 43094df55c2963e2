package io.orderflow.messaging.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code redisTransport} in /actuator/health: whether the Redis that carries the messages answers. Down means
 * nothing moves between modules (the outbox keeps what is sent meanwhile), so the readiness group of the
 * {@code redis} profile includes it.
 */
public class RedisTransportHealth implements HealthIndicator {

    private final RedisTransport transport;

    public RedisTransportHealth(RedisTransport transport) {
        this.transport = transport;
    }

    @Override
    public Health health() {
        return (transport.reachable() ? Health.up() : Health.down())
                .withDetail("prefix", transport.prefix())
                .build();
    }
}
