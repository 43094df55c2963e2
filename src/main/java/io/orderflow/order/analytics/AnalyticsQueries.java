package io.orderflow.order.analytics;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The questions the analytics read model answers, over the orders placed in a window {@code [from, to)}. Reads only
 * the projection's tables: never the saga's.
 */
public final class AnalyticsQueries {

    private static final String ORDERS = "orders.analytics_order";
    private static final String LINES = "orders.analytics_order_line";
    private static final String IN_WINDOW = " placed_at >= ? and placed_at < ?";

    /** The size of a time bucket; its wire name is also PostgreSQL's {@code date_trunc} field. */
    public enum Granularity {
        MINUTE(Duration.ofMinutes(1), Duration.ofHours(1)),
        HOUR(Duration.ofHours(1), Duration.ofDays(1)),
        DAY(Duration.ofDays(1), Duration.ofDays(30));

        final Duration length;
        /** The window when none is given: ending now. */
        final Duration defaultWindow;

        Granularity(Duration length, Duration defaultWindow) {
            this.length = length;
            this.defaultWindow = defaultWindow;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public Duration defaultWindow() {
            return defaultWindow;
        }

        public Duration length() {
            return length;
        }
    }

    /** Orders placed in {@code [from, to)}. */
    public record Window(Instant from, Instant to) {}

    private final JdbcClient jdbc;

    public AnalyticsQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One time bucket: orders placed in it and how they ended so far, and the completed ones' totals per currency. */
    public record Bucket(
            Instant start, long orders, long completed, long failed, long cancelled, Map<String, BigDecimal> revenue) {}

    public record Series(String granularity, Instant from, Instant to, List<Bucket> buckets) {}

    /** Orders and revenue per bucket over the window; every bucket is there, empty ones with zeros. */
    public Series series(Granularity granularity, Window window) {
        String field = granularity.wireName();
        Map<Instant, Map<String, BigDecimal>> revenue = new TreeMap<>();
        jdbc.sql("select date_trunc(?, placed_at, 'UTC') as start, currency, sum(total_amount) as revenue from "
                        + ORDERS + " where" + IN_WINDOW + " and status = 'completed' and currency is not null "
                        + "group by 1, 2")
                .params(field, ts(window.from()), ts(window.to()))
                .query((rs, n) -> revenue.computeIfAbsent(
                                rs.getTimestamp("start").toInstant(), s -> new TreeMap<>())
                        .put(rs.getString("currency"), rs.getBigDecimal("revenue")))
                .list();
        List<Bucket> buckets = jdbc.sql("with counted as (select date_trunc(?, placed_at, 'UTC') as start, "
                        + "count(*) as orders, count(*) filter (where status = 'completed') as completed, "
                        + "count(*) filter (where status = 'failed') as failed, "
                        + "count(*) filter (where status = 'cancelled') as cancelled from " + ORDERS + " where"
                        + IN_WINDOW + " group by 1) "
                        + "select b.start, coalesce(c.orders, 0) as orders, coalesce(c.completed, 0) as completed, "
                        + "coalesce(c.failed, 0) as failed, coalesce(c.cancelled, 0) as cancelled "
                        + "from generate_series(date_trunc(?, ?::timestamptz, 'UTC'), ?::timestamptz - interval '1 microsecond', "
                        + "?::interval) as b(start) left join counted c on c.start = b.start order by b.start")
                .params(
                        field,
                        ts(window.from()),
                        ts(window.to()),
                        field,
                        ts(window.from()),
                        ts(window.to()),
                        "1 " + field)
                .query((rs, n) -> {
                    Instant start = rs.getTimestamp("start").toInstant();
                    return new Bucket(
                            start,
                            rs.getLong("orders"),
                            rs.getLong("completed"),
                            rs.getLong("failed"),
                            rs.getLong("cancelled"),
                            revenue.getOrDefault(start, Map.of()));
                })
                .list();
        return new Series(field, window.from(), window.to(), buckets);
    }

    /** Money per currency: completed orders' totals (revenue), and what was charged and refunded. */
    public record Money(String currency, BigDecimal revenue, BigDecimal charged, BigDecimal refunded) {}

    /** How the window's orders ended: counts per terminal status and those still in flight. */
    public record Outcomes(
            Instant from, Instant to, long orders, Map<String, Long> outcomes, long inFlight, List<Money> money) {}

    public Outcomes outcomes(Window window) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (String terminal : List.of("completed", "failed", "cancelled")) {
            outcomes.put(terminal, 0L);
        }
        long[] inFlight = {0};
        long[] total = {0};
        jdbc.sql("select status, count(*) as orders from " + ORDERS + " where" + IN_WINDOW
                        + " group by status order by status")
                .params(ts(window.from()), ts(window.to()))
                .query((rs, n) -> {
                    String status = rs.getString("status");
                    long count = rs.getLong("orders");
                    total[0] += count;
                    if (outcomes.containsKey(status)) {
                        outcomes.put(status, count);
                    } else {
                        inFlight[0] += count;
                    }
                    return status;
                })
                .list();
        List<Money> money = jdbc.sql("select currency, "
                        + "coalesce(sum(total_amount) filter (where status = 'completed'), 0) as revenue, "
                        + "coalesce(sum(charged_amount), 0) as charged, coalesce(sum(refunded_amount), 0) as refunded "
                        + "from " + ORDERS + " where" + IN_WINDOW + " and currency is not null "
                        + "group by currency order by currency")
                .params(ts(window.from()), ts(window.to()))
                .query((rs, n) -> new Money(
                        rs.getString("currency"),
                        rs.getBigDecimal("revenue"),
                        rs.getBigDecimal("charged"),
                        rs.getBigDecimal("refunded")))
                .list();
        return new Outcomes(window.from(), window.to(), total[0], outcomes, inFlight[0], money);
    }

    public record FailureReason(String reason, long orders) {}

    /** Why the window's failed orders failed, most frequent first. */
    public List<FailureReason> failureReasons(Window window) {
        return jdbc.sql("select coalesce(failure_reason, 'unknown') as reason, count(*) as orders from " + ORDERS
                        + " where" + IN_WINDOW + " and status = 'failed' group by 1 order by 2 desc, 1")
                .params(ts(window.from()), ts(window.to()))
                .query((rs, n) -> new FailureReason(rs.getString("reason"), rs.getLong("orders")))
                .list();
    }

    public record TopSku(
            String sku,
            long orders,
            long quantity,
            @Nullable BigDecimal revenue) {}

    /** The SKUs sold most (in completed orders), by quantity or by revenue. */
    public List<TopSku> topSkus(Window window, boolean byRevenue, int limit) {
        String order = byRevenue ? "revenue desc nulls last, quantity desc" : "quantity desc, revenue desc nulls last";
        return jdbc.sql("select l.sku, count(distinct l.order_id) as orders, sum(l.quantity) as quantity, "
                        + "sum(l.amount) as revenue from " + LINES + " l join " + ORDERS
                        + " o on o.order_id = l.order_id "
                        + "where o." + IN_WINDOW.trim() + " and o.status = 'completed' group by l.sku order by " + order
                        + ", l.sku limit ?")
                .params(ts(window.from()), ts(window.to()), limit)
                .query((rs, n) -> new TopSku(
                        rs.getString("sku"), rs.getLong("orders"), rs.getLong("quantity"), rs.getBigDecimal("revenue")))
                .list();
    }

    /** Time spent in one saga stage by the window's orders that left it: percentiles in milliseconds. */
    public record StageLatency(
            String stage,
            long orders,
            @Nullable Double p50Ms,
            @Nullable Double p95Ms,
            @Nullable Double p99Ms,
            @Nullable Double maxMs) {}

    public List<StageLatency> stageLatency(Window window) {
        Map<String, StageLatency> found = new LinkedHashMap<>();
        jdbc.sql("select s.stage, count(*) as orders, "
                        + "percentile_cont(0.5) within group (order by s.ms) as p50, "
                        + "percentile_cont(0.95) within group (order by s.ms) as p95, "
                        + "percentile_cont(0.99) within group (order by s.ms) as p99, max(s.ms)::float8 as max "
                        + "from " + ORDERS + " o cross join lateral (values ('validating', o.validating_ms), "
                        + "('inventory_check', o.inventory_check_ms), ('payment_processing', o.payment_processing_ms), "
                        + "('shipping', o.shipping_ms)) as s(stage, ms) where o." + IN_WINDOW.trim()
                        + " and s.ms is not null group by s.stage")
                .params(ts(window.from()), ts(window.to()))
                .query((rs, n) -> found.put(
                        rs.getString("stage"),
                        new StageLatency(
                                rs.getString("stage"),
                                rs.getLong("orders"),
                                rs.getDouble("p50"),
                                rs.getDouble("p95"),
                                rs.getDouble("p99"),
                                rs.getDouble("max"))))
                .list();
        List<StageLatency> stages = new ArrayList<>();
        for (String stage : OrderFacts.STAGES) {
            StageLatency latency = found.get(stage);
            stages.add(latency != null ? latency : new StageLatency(stage, 0, null, null, null, null));
        }
        return stages;
    }

    /** Compensations the saga asked for: in all, orders that needed any, and both per final status. */
    public record Compensations(long compensations, long orders, Map<String, Long> byStatus) {}

    public Compensations compensations(Window window) {
        Map<String, Long> byStatus = new TreeMap<>();
        long[] totals = {0, 0};
        jdbc.sql("select status, sum(compensations) as compensations, count(*) as orders from " + ORDERS + " where"
                        + IN_WINDOW + " and compensations > 0 group by status")
                .params(ts(window.from()), ts(window.to()))
                .query((rs, n) -> {
                    totals[0] += rs.getLong("compensations");
                    totals[1] += rs.getLong("orders");
                    return byStatus.put(rs.getString("status"), rs.getLong("compensations"));
                })
                .list();
        return new Compensations(totals[0], totals[1], byStatus);
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
