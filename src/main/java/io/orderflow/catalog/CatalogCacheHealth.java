package io.orderflow.catalog;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code catalogCache} in /actuator/health: where product reads are cached and whether that store answers. A failing
 * Redis makes it DEGRADED, not the process unready: reads go to PostgreSQL, a little slower, with the same answers.
 */
class CatalogCacheHealth implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "the catalog cache does not answer; reads use PostgreSQL");

    private final ProductCache cache;

    CatalogCacheHealth(ProductCache cache) {
        this.cache = cache;
    }

    @Override
    public Health health() {
        return Health.status(cache.available() ? Status.UP : DEGRADED)
                .withDetail("store", cache.store())
                .withDetail("breaker", cache.breakerState())
                .build();
    }
}
