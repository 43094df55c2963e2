package io.orderflow.catalog;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.inventory.StockLevelsChanged;
import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.ReadOnlyStep;
import io.orderflow.platform.ConditionalOnModule;
import io.orderflow.platform.RedisConnections;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("catalog")
@ComponentScan
@EnableConfigurationProperties(CatalogCacheSettings.class)
public class CatalogModule {

    /** What the catalog consumes: the routing every process declares (see Topology). */
    public static final List<Class<?>> CONSUMES = List.of(ValidateOrder.class, StockLevelsChanged.class);

    /** Redis ({@code orderflow.catalog.cache.redis-url}) or Caffeine; its caches are measured as {@code cache.*}. */
    @Bean
    CacheManager catalogCacheManager(CatalogCacheSettings settings, RedisConnections redis) {
        return CatalogCaches.of(settings, redis);
    }

    @Bean
    ProductCache productCache(
            CatalogCacheSettings settings,
            CacheManager catalogCacheManager,
            CircuitBreakerRegistry breakers,
            MeterRegistry meters) {
        // resilience4j.circuitbreaker.instances.catalog-cache.*; only Redis can fail
        return new ProductCache(
                catalogCacheManager,
                settings.inRedis() ? breakers.circuitBreaker(ProductCache.BREAKER) : null,
                RedisConnections.COMMAND_TIMEOUT,
                meters);
    }

    @Bean
    CatalogCacheHealth catalogCacheHealthIndicator(ProductCache cache) {
        return new CatalogCacheHealth(cache);
    }

    @Bean
    MessageHandlers catalogHandlers(Catalog catalog) {
        return MessageHandlers.forModule("catalog")
                .on(ValidateOrder.class, catalog::validate)
                .on(StockLevelsChanged.class, (event, context) -> catalog.updateStock(event))
                .build();
    }

    /**
     * Validation reads the catalog and changes nothing: an order placed in this process is priced before its placing
     * transaction instead of by message (see {@link ReadOnlyStep}).
     */
    @Bean
    ReadOnlyStep<ValidateOrder, ValidationReply> catalogValidation(Catalog catalog) {
        return new ReadOnlyStep<>() {
            @Override
            public Class<ValidateOrder> command() {
                return ValidateOrder.class;
            }

            @Override
            public Optional<ValidationReply> answer(ValidateOrder command) {
                return Optional.of(catalog.validate(command));
            }
        };
    }
}
