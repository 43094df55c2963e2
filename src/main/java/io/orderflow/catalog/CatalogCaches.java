package io.orderflow.catalog;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.orderflow.platform.RedisConnections;
import java.time.Duration;
import java.util.List;
import org.springframework.cache.CacheManager;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/** The cache manager behind {@link ProductCache}: Redis when a URL is configured, else Caffeine in this process. */
final class CatalogCaches {

    private CatalogCaches() {}

    static CacheManager of(CatalogCacheSettings settings, RedisConnections redis) {
        String url = settings.redisUrl();
        return url == null || url.isBlank() ? inProcess(settings) : inRedis(settings, redis.factory(url));
    }

    private static CacheManager inProcess(CatalogCacheSettings settings) {
        return inProcess(settings.ttl(), Ticker.systemTicker());
    }

    /** With the clock that ages entries ({@code CatalogCacheUnitTest} turns it by hand). */
    static CacheManager inProcess(Duration ttl, Ticker ticker) {
        CaffeineCacheManager caches = new CaffeineCacheManager();
        // expire after write, not access: an entry is never older than the TTL, however often it is read
        caches.setCaffeine(Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .maximumSize(100_000)
                .recordStats());
        caches.setAllowNullValues(false);
        caches.setCacheNames(List.of(ProductCache.PRICES, ProductCache.LISTING));
        return caches;
    }

    private static CacheManager inRedis(CatalogCacheSettings settings, RedisConnectionFactory connections) {
        // keys <prefix>:catalog.prices:<sku> and <prefix>:catalog.products:all; values as JSON of their own type
        // (no class names in Redis); Redis expires each entry (SET ... PX) after the TTL
        RedisCacheConfiguration defaults = RedisCacheConfiguration.defaultCacheConfig()
                .entryTtl(settings.ttl())
                .disableCachingNullValues()
                .computePrefixWith(cache -> settings.prefix() + ":" + cache + ":");
        return RedisCacheManager.builder(RedisCacheWriter.nonLockingRedisCacheWriter(connections))
                .cacheDefaults(defaults)
                .withCacheConfiguration(
                        ProductCache.PRICES,
                        defaults.serializeValuesWith(
                                SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(Product.class))))
                .withCacheConfiguration(
                        ProductCache.LISTING,
                        defaults.serializeValuesWith(
                                SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(Product[].class))))
                .disableCreateOnMissingCache()
                .enableStatistics()
                .build();
    }
}
