package io.orderflow.platform.security;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code rateLimiter} in /actuator/health: where the buckets live and whether that store answers. A down store
 * makes this component DEGRADED, not the process unready: reads still work (the limiter fails open), only
 * sign-in and registration are paused.
 */
class RateLimiterHealth implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "the rate-limit store does not answer");

    private final RateLimiter limiter;

    RateLimiterHealth(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Health health() {
        boolean up = limiter.storeUp();
        return Health.status(up ? Status.UP : DEGRADED)
                .withDetail("store", limiter.store())
                .withDetail(
                        "when_store_down",
                        "reads, orders and other writes pass (fail open); sign-in and "
                                + "registration answer 503 (fail closed)")
                .build();
    }
}
