package io.orderflow.tools;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The time of each hop of a phase's orders, from the message journal that every module writes
 * ({@code <schema>.journal}, kind {@code applied}): per consumer and message type, how long the deliveries waited
 * and how long their handlers ran. <em>In queue</em> runs from the sender's outbox write to the handler's start, so it
 * holds the rest of the sender's transaction and its commit, the hand-off to the relay, the publish and confirm, the
 * broker, and the wait for a free consumer; <em>in handler</em> runs from the handler's start to just before its
 * transaction commits.
 */
final class Hops {

    private Hops() {}

    /** One consumer's handling of one message type: deliveries applied, and the quantiles in milliseconds. */
    record Hop(
            String module,
            String type,
            long deliveries,
            double queueP50,
            double queueP90,
            double handlerP50,
            double handlerP90) {

        /** The sum of the rounded medians, by which hops are listed: the figures a reader sees, so ties stay ties. */
        double medians() {
            return queueP50 + handlerP50;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("module", module);
            m.put("type", type);
            m.put("deliveries", deliveries);
            m.put("queue_ms_p50", queueP50);
            m.put("queue_ms_p90", queueP90);
            m.put("handler_ms_p50", handlerP50);
            m.put("handler_ms_p90", handlerP90);
            return m;
        }
    }

    /**
     * The hops of the orders whose id starts with {@code orderIdPrefix}, slowest first (by the sum of the medians).
     * Empty when no module keeps a journal ({@code orderflow.journal.enabled=false}) or none applied such a message.
     */
    static List<Hop> of(JdbcClient jdbc, String orderIdPrefix) {
        List<String> schemas = journalSchemas(jdbc);
        if (schemas.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        String applied = applied(schemas, "module, type, queue_ms, handler_ms", orderIdPrefix, "", params);
        List<Hop> hops = jdbc.sql("select * from (select module, type, count(*) as deliveries, "
                        + "percentile_cont(0.5) within group (order by queue_ms) as q50, "
                        + "percentile_cont(0.9) within group (order by queue_ms) as q90, "
                        + "percentile_cont(0.5) within group (order by handler_ms) as h50, "
                        + "percentile_cont(0.9) within group (order by handler_ms) as h90 "
                        + "from (" + applied + ") j group by module, type) hops "
                        + "order by module, type")
                .params(params)
                .query((rs, n) -> new Hop(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        Benchmark.round(rs.getDouble(4)),
                        Benchmark.round(rs.getDouble(5)),
                        Benchmark.round(rs.getDouble(6)),
                        Benchmark.round(rs.getDouble(7))))
                .list();
        // sorted on the rounded figures, not in SQL: two medians 22.9199 and 22.9201 print as 22.92 and must not
        // list out of order after rounding (a stable sort keeps ties by consumer and message)
        return hops.stream()
                .sorted(Comparator.comparingDouble(Hop::medians).reversed())
                .toList();
    }

    /** The deliveries that waited in queue longer than {@link #SLOW_MS}. */
    static final long SLOW_MS = 50;
    /** The length of the windows the slow deliveries are counted in. */
    static final long WINDOW_MS = 250;

    /**
     * When the deliveries of the orders whose id starts with {@code orderIdPrefix} that waited in queue longer than
     * {@link #SLOW_MS} came: their count, and the {@code top} windows of {@link #WINDOW_MS} with most of them, the
     * fullest first. Slow deliveries spread over the phase point at a slow step; most of them in one window, from
     * every module, point at something that held up all of them at once (the machine, the database, the broker).
     */
    static Map<String, Object> slowDeliveries(JdbcClient jdbc, String orderIdPrefix, int top) {
        List<String> schemas = journalSchemas(jdbc);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threshold_ms", SLOW_MS);
        m.put("window_ms", WINDOW_MS);
        if (schemas.isEmpty()) {
            m.put("deliveries", 0L);
            m.put("windows", List.of());
            return m;
        }
        List<Object> params = new ArrayList<>();
        String applied = applied(schemas, "module, at, queue_ms", orderIdPrefix, " and queue_ms > ?", params, SLOW_MS);
        params.add(top);
        long[] total = {0}; // every slow delivery of the phase, from the window function beside each window
        List<Map<String, Object>> windows = jdbc.sql("select w, n, modules, longest, sum(n) over () as total from ("
                        + "select floor(extract(epoch from at) * 1000 / " + WINDOW_MS + ")::bigint as w, "
                        + "count(*) as n, count(distinct module) as modules, max(queue_ms)::float8 as longest "
                        + "from (" + applied + ") j group by 1) g "
                        + "order by n desc, w limit ?")
                .params(params)
                .query((rs, n) -> {
                    total[0] = rs.getLong("total");
                    Map<String, Object> window = new LinkedHashMap<>();
                    window.put(
                            "start",
                            Instant.ofEpochMilli(rs.getLong("w") * WINDOW_MS).toString());
                    window.put("deliveries", rs.getLong("n"));
                    window.put("modules", rs.getLong("modules"));
                    window.put("longest_queue_ms", Benchmark.round(rs.getDouble("longest")));
                    return window;
                })
                .list();
        m.put("deliveries", total[0]);
        m.put("windows", windows);
        return m;
    }

    /** A line for the report on {@link #slowDeliveries} (as read back from the results). */
    @SuppressWarnings("unchecked")
    static String slowDeliveriesLine(@Nullable Map<String, Object> slow) {
        if (slow == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "Deliveries that waited more than %s ms in queue: %s",
                Report.cell(slow.get("threshold_ms")),
                slow.get("deliveries")));
        List<Map<String, Object>> windows = (List<Map<String, Object>>) slow.getOrDefault("windows", List.of());
        if (!windows.isEmpty()) {
            line.append(String.format(Locale.ROOT, "; the fullest windows of %s ms: ", slow.get("window_ms")));
            line.append(windows.stream()
                    .map(w -> String.format(
                            Locale.ROOT,
                            "%s (%s from %s, up to %s ms)",
                            w.get("start"),
                            counted(w.get("deliveries"), "delivery", "deliveries"),
                            counted(w.get("modules"), "module", "modules"),
                            Report.cell(w.get("longest_queue_ms"))))
                    .collect(Collectors.joining(", ")));
        }
        return line.append(".\n").toString();
    }

    private static String counted(@Nullable Object count, String one, String many) {
        return count + " " + (count instanceof Number n && n.longValue() == 1 ? one : many);
    }

    /**
     * The {@code columns} of the deliveries applied to the orders whose id starts with {@code orderIdPrefix}, from every
     * module's journal in one {@code union all}, narrowed by {@code condition}; adds the parameters to {@code params}.
     */
    private static String applied(
            List<String> schemas,
            String columns,
            String orderIdPrefix,
            String condition,
            List<Object> params,
            Object... conditionParams) {
        List<String> selects = new ArrayList<>();
        for (String schema : schemas) {
            selects.add("select " + columns + " from " + quoted(schema) + ".journal "
                    + "where kind = 'applied' and order_id like ?" + condition);
            params.add(orderIdPrefix + "%");
            params.addAll(List.of(conditionParams));
        }
        return String.join(" union all ", selects);
    }

    private static List<String> journalSchemas(JdbcClient jdbc) {
        return jdbc.sql("select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                        + "where c.relname = 'journal' and c.relkind = 'p' order by 1")
                .query(String.class)
                .list();
    }

    static List<Map<String, Object>> toMaps(List<Hop> hops) {
        return hops.stream().map(Hop::toMap).toList();
    }

    /** A Markdown table of {@link #toMaps} rows (as read back from the results), or a line saying there are none. */
    static String markdown(List<Map<String, Object>> hops) {
        if (hops.isEmpty()) {
            return "No journal entries (orderflow.journal.enabled=false?).\n";
        }
        StringBuilder md = new StringBuilder(
                "| consumer | message | deliveries | in queue p50 / p90 ms | in handler p50 / p90 ms |\n|---|---|---|---|---|\n");
        for (Map<String, Object> h : hops) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s / %s | %s / %s |%n",
                    h.get("module"),
                    h.get("type"),
                    h.get("deliveries"),
                    h.get("queue_ms_p50"),
                    h.get("queue_ms_p90"),
                    h.get("handler_ms_p50"),
                    h.get("handler_ms_p90")));
        }
        return md.toString();
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
