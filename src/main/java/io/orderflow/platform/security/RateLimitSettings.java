package io.orderflow.platform.security;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code orderflow.rate-limit.*}: a token bucket per client (customer or client id, else IP address) and route
 * class. A bucket holds {@code capacity} tokens and refills at {@code capacity} per {@code period}.
 *
 * @param enabled off only where another layer limits (module processes behind the gateway)
 * @param redisUrl where buckets live so every instance shares them ({@code redis://127.0.0.1:6379}); empty
 *        keeps them in this process
 * @param redisTimeout how long a decision may wait for Redis before the store counts as unavailable
 * @param keyPrefix Redis key prefix, so installations (and test runs) can share a server
 * @param classes the limit of each route class; the defaults below apply to those not configured
 */
@ConfigurationProperties("orderflow.rate-limit")
public record RateLimitSettings(
        @DefaultValue("true") boolean enabled,
        @Nullable String redisUrl,
        @DefaultValue("250ms") Duration redisTimeout,
        @DefaultValue("orderflow:rate:") String keyPrefix,
        @DefaultValue Map<String, Configured> classes) {

    /** @param capacity the burst; also the number of tokens added per {@code period} */
    public record Limit(long capacity, Duration period) {}

    /** A route class's limit as configured: a part left out (capacity 0, no period) is the default's. */
    public record Configured(long capacity, @Nullable Duration period) {}

    static final Map<RouteClass, Limit> DEFAULTS = Map.of(
            RouteClass.SIGN_IN, new Limit(10, Duration.ofMinutes(1)),
            RouteClass.REGISTER, new Limit(5, Duration.ofMinutes(10)),
            RouteClass.PLACE_ORDER, new Limit(30, Duration.ofMinutes(1)),
            RouteClass.READS, new Limit(600, Duration.ofMinutes(1)),
            RouteClass.WRITES, new Limit(120, Duration.ofMinutes(1)));

    private static String normalized(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /** The limit of every route class: configured, else the default. */
    Map<RouteClass, Limit> limits() {
        Map<RouteClass, Limit> limits = new LinkedHashMap<>();
        for (RouteClass routeClass : RouteClass.values()) {
            // sign-in, sign_in, signin (environment variables lose the dash): all name the same class
            Configured configured = classes.entrySet().stream()
                    .filter(e -> normalized(e.getKey()).equals(normalized(routeClass.key())))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
            Limit fallback = requireNonNull(DEFAULTS.get(routeClass), "every route class has a default limit");
            limits.put(
                    routeClass,
                    configured == null
                            ? fallback
                            : new Limit(
                                    configured.capacity() > 0 ? configured.capacity() : fallback.capacity(),
                                    configured.period() != null ? configured.period() : fallback.period()));
        }
        return limits;
    }
}
