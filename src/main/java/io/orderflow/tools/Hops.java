package io.orderflow.tools;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        List<String> schemas = jdbc.sql(
                        "select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                                + "where c.relname = 'journal' and c.relkind = 'p' order by 1")
                .query(String.class)
                .list();
        if (schemas.isEmpty()) {
            return List.of();
        }
        List<String> selects = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String schema : schemas) {
            selects.add("select module, type, queue_ms, handler_ms from " + quoted(schema) + ".journal "
                    + "where kind = 'applied' and order_id like ?");
            params.add(orderIdPrefix + "%");
        }
        List<Hop> hops = jdbc.sql("select * from (select module, type, count(*) as deliveries, "
                        + "percentile_cont(0.5) within group (order by queue_ms) as q50, "
                        + "percentile_cont(0.9) within group (order by queue_ms) as q90, "
                        + "percentile_cont(0.5) within group (order by handler_ms) as h50, "
                        + "percentile_cont(0.9) within group (order by handler_ms) as h90 "
                        + "from (" + String.join(" union all ", selects) + ") j group by module, type) hops "
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
