package io.orderflow.catalog;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code orderflow.catalog.cache.*}: the cache in front of product reads.
 *
 * @param redisUrl the Redis that holds it ({@code redis://127.0.0.1:6379}), shared by every catalog instance; empty
 *        keeps it in this process (Caffeine)
 * @param ttl how long an entry lives: no price or listing older than this is served
 * @param prefix the start of every Redis key, so installations (and test runs) can share a server
 */
@ConfigurationProperties("orderflow.catalog.cache")
record CatalogCacheSettings(
        @Nullable String redisUrl,
        @DefaultValue("30s") Duration ttl,
        @DefaultValue("orderflow") String prefix) {

    boolean inRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }
}
