package io.orderflow.order.analytics;

import io.orderflow.order.analytics.AnalyticsQueries.Granularity;
import io.orderflow.order.analytics.AnalyticsQueries.Window;
import io.orderflow.platform.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The analytics read model over HTTP (operator only), from the processes that run the order module. Every question
 * is about the orders placed in a window {@code [from, to)} (ISO-8601 instants; by default the last 24 hours, or for
 * {@code /orders} the granularity's default window), as far as the projection has got.
 */
@RestController
@RequestMapping("/api/analytics")
class AnalyticsController {

    private static final Duration DEFAULT_WINDOW = Duration.ofDays(1);
    private static final int MAX_TOP = 100;

    private final AnalyticsQueries queries;
    private final int maxBuckets;
    private final Duration maxWindow;
    private final Clock clock = Clock.systemUTC();

    AnalyticsController(
            AnalyticsQueries queries,
            @Value("${orderflow.analytics.max-buckets:2000}") int maxBuckets,
            @Value("${orderflow.analytics.max-window:400d}") Duration maxWindow) {
        this.queries = queries;
        this.maxBuckets = maxBuckets;
        this.maxWindow = maxWindow;
    }

    /** Orders placed and revenue (completed orders' totals, per currency) per minute, hour or day. */
    @GetMapping("/orders")
    @Transactional(readOnly = true)
    AnalyticsQueries.Series orders(
            @RequestParam(defaultValue = "hour") String granularity,
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        Granularity unit = granularity(granularity);
        Window window = window(from, to, unit.defaultWindow());
        long buckets = Duration.between(window.from(), window.to()).toMillis()
                        / unit.length().toMillis()
                + 1;
        if (buckets > maxBuckets) {
            throw ApiProblem.invalid(
                    "from",
                    "the window holds " + buckets + " " + unit.wireName() + "s; at most " + maxBuckets
                            + " buckets: narrow the window or choose a coarser granularity");
        }
        return queries.series(unit, window);
    }

    /** How the window's orders ended (and how many are still in flight), with revenue, charges and refunds. */
    @GetMapping("/outcomes")
    @Transactional(readOnly = true)
    AnalyticsQueries.Outcomes outcomes(
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        return queries.outcomes(window(from, to, DEFAULT_WINDOW));
    }

    @GetMapping("/failure-reasons")
    @Transactional(readOnly = true)
    Map<String, Object> failureReasons(
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        Window window = window(from, to, DEFAULT_WINDOW);
        return Map.of("from", window.from(), "to", window.to(), "reasons", queries.failureReasons(window));
    }

    /** The SKUs sold most in completed orders: {@code by=quantity} (default) or {@code by=revenue}. */
    @GetMapping("/top-skus")
    @Transactional(readOnly = true)
    Map<String, Object> topSkus(
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to,
            @RequestParam(defaultValue = "quantity") String by,
            @RequestParam(defaultValue = "10") String limit) {
        Window window = window(from, to, DEFAULT_WINDOW);
        if (!by.equals("quantity") && !by.equals("revenue")) {
            throw ApiProblem.invalid("by", "must be quantity or revenue");
        }
        int top = integer("limit", limit, 1, MAX_TOP);
        return Map.of(
                "from", window.from(),
                "to", window.to(),
                "by", by,
                "skus", queries.topSkus(window, by.equals("revenue"), top));
    }

    /** p50 / p95 / p99 of the time orders spent in each saga stage, in milliseconds. */
    @GetMapping("/stage-latency")
    @Transactional(readOnly = true)
    Map<String, Object> stageLatency(
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        Window window = window(from, to, DEFAULT_WINDOW);
        return Map.of("from", window.from(), "to", window.to(), "stages", queries.stageLatency(window));
    }

    @GetMapping("/compensations")
    @Transactional(readOnly = true)
    Map<String, Object> compensations(
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        Window window = window(from, to, DEFAULT_WINDOW);
        AnalyticsQueries.Compensations compensations = queries.compensations(window);
        return Map.of(
                "from", window.from(),
                "to", window.to(),
                "compensations", compensations.compensations(),
                "orders", compensations.orders(),
                "by_status", compensations.byStatus());
    }

    private static Granularity granularity(String value) {
        try {
            return Granularity.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(
                    "granularity",
                    "must be one of "
                            + String.join(
                                    ", ",
                                    Arrays.stream(Granularity.values())
                                            .map(Granularity::wireName)
                                            .toList()));
        }
    }

    private Window window(@Nullable String from, @Nullable String to, Duration defaultLength) {
        Instant end = to == null || to.isBlank() ? clock.instant() : instant("to", to);
        Instant start = from == null || from.isBlank() ? end.minus(defaultLength) : instant("from", from);
        if (!start.isBefore(end)) {
            throw ApiProblem.invalid("from", "must be before to");
        }
        if (Duration.between(start, end).compareTo(maxWindow) > 0) {
            throw ApiProblem.invalid("from", "the window may be at most " + maxWindow.toDays() + " days long");
        }
        return new Window(start, end);
    }

    private static Instant instant(String field, String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static int integer(String field, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalid(field, "must be a whole number from " + min + " to " + max);
    }
}
