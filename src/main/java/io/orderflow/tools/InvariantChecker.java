package io.orderflow.tools;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The system's promises, checked against every module's own data once the load has drained. A read-only
 * auditor: it reads every schema (the one place allowed to, see SchemaOwnership) and writes nothing.
 *
 * <p>Stock baseline: without a migration or a history table, "initial stock" is the snapshot the benchmark
 * takes before the load ({@link #stockTotals()}: available + reserved + shipped per SKU), which must be
 * unchanged afterwards. Independently of any baseline, each SKU's {@code reserved} and {@code shipped} must
 * equal the sum of its reservation lines in status reserved and shipped.
 */
public final class InvariantChecker {

    static final List<String> MODULE_SCHEMAS =
            List.of("orders", "catalog", "inventory", "payment", "shipping", "notification", "customer");
    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
    static final String TERMINAL_SQL = "('completed', 'failed', 'cancelled')";
    static final List<String> SAGA_PATH =
            List.of("pending", "validating", "inventory_check", "payment_processing", "shipping", "completed");
    private static final int EXAMPLES = 5;

    /** One broken rule: how many rows break it and a few of them. */
    public record Violation(String rule, long count, List<String> examples) {

        @Override
        public String toString() {
            return rule + ": " + count + (examples.isEmpty() ? "" : " (e.g. " + String.join("; ", examples) + ")");
        }
    }

    public record Result(List<Violation> violations, Map<String, Object> stats) {

        public boolean passed() {
            return violations.isEmpty();
        }

        public List<String> messages() {
            return violations.stream().map(Violation::toString).toList();
        }
    }

    private final DataSource dataSource;
    private final JdbcClient jdbc;

    public InvariantChecker(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** For callers that hold only a JdbcClient (the integration tests): histories are read without streaming. */
    public InvariantChecker(JdbcClient jdbc) {
        this.dataSource = null;
        this.jdbc = jdbc;
    }

    // --- draining -----------------------------------------------------------------------------------------

    /**
     * Messages and compensations still under way: outbox rows, queued broker rows, open orders, terminal
     * orders holding stock or money, and stock levels the inventory has not sent to the catalog yet (its publisher
     * batches them after a linger, ADR 0023). A RabbitMQ queue is invisible here, but every message on it ends in
     * one of these conditions until applied.
     */
    public Map<String, Long> inFlight() {
        Map<String, Long> counts = new LinkedHashMap<>();
        long outbox = 0;
        for (String schema : MODULE_SCHEMAS) {
            if (tableExists(schema + ".outbox")) {
                // schema names come from the fixed list above
                outbox += count("select count(*) from " + schema + ".outbox");
            }
        }
        counts.put("outbox", outbox);
        counts.put("broker_queue", tableExists("broker.message") ? count("select count(*) from broker.message") : 0);
        counts.put(
                "open_orders", count("select count(*) from orders.purchase_order where status not in " + TERMINAL_SQL));
        counts.put(
                "held_by_terminal",
                count("select count(*) from inventory.reservation r join orders.purchase_order o "
                        + "on o.id = r.order_id where r.status = 'reserved' and o.status in " + TERMINAL_SQL));
        counts.put(
                "charged_not_completed",
                count("select count(*) from payment.payment p join orders.purchase_order o "
                        + "on o.id = p.order_id where p.status = 'charged' and o.status <> 'completed'"));
        counts.put(
                "stock_levels_unsent",
                tableExists("inventory.stock_levels_cursor")
                        ? count("select count(*) from inventory.stock "
                                + "where changed_tx >= (select sent_below from inventory.stock_levels_cursor)")
                        : 0);
        return counts;
    }

    /** Waits until {@link #inFlight()} is all zero twice in a row; false at the deadline. */
    public boolean awaitDrained(Duration deadline, Consumer<Map<String, Long>> progress) {
        return awaitDrained(deadline, progress, Map::of);
    }

    /**
     * As {@link #awaitDrained(Duration, Consumer)}, with counts kept outside the database ({@code elsewhere}, e.g. a
     * broker's queues), asked only once the database shows nothing in flight; a negative count is "cannot tell yet".
     */
    public boolean awaitDrained(
            Duration deadline, Consumer<Map<String, Long>> progress, Supplier<Map<String, Long>> elsewhere) {
        long end = System.nanoTime() + deadline.toNanos();
        int quiet = 0;
        while (true) {
            Map<String, Long> counts = new LinkedHashMap<>(inFlight());
            boolean drained = counts.values().stream().allMatch(v -> v == 0);
            if (drained) {
                counts.putAll(elsewhere.get());
                drained = counts.values().stream().allMatch(v -> v == 0);
            }
            quiet = drained ? quiet + 1 : 0;
            if (quiet >= 2) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            if (progress != null && !drained) {
                progress.accept(counts);
            }
            sleep(drained ? 300 : 1000);
        }
    }

    /** Checks, and while violations remain and the deadline allows, checks again (late messages settle). */
    public Result checkSettled(Map<String, Long> stockBaseline, Duration deadline) {
        return checkSettled(stockBaseline, Set.of(), deadline);
    }

    /** {@link #checkSettled(Map, Duration)} where {@code expectedDeadLetters} were parked on purpose (see {@link #check}). */
    public Result checkSettled(Map<String, Long> stockBaseline, Set<UUID> expectedDeadLetters, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        Result result = check(stockBaseline, expectedDeadLetters);
        while (!result.passed() && System.nanoTime() < end) {
            sleep(1000);
            result = check(stockBaseline, expectedDeadLetters);
        }
        return result;
    }

    /** Available + reserved + shipped per SKU: the baseline to compare a later check against. */
    public Map<String, Long> stockTotals() {
        Map<String, Long> totals = new TreeMap<>();
        jdbc.sql("select sku, available::bigint + reserved + shipped from inventory.stock")
                .query((rs, n) -> totals.put(rs.getString(1), rs.getLong(2)))
                .list();
        return totals;
    }

    // --- the rules ----------------------------------------------------------------------------------------

    public Result check(Map<String, Long> stockBaseline) {
        return check(stockBaseline, Set.of());
    }

    /**
     * Every rule, with every dead letter accounted for: {@code expectedDeadLetters} are the message ids of the poison
     * messages the chaos harness injected (the whole run's, whether it discarded them since or not). Each must be in
     * exactly one module's dead letters and in no inbox (never applied); any other dead letter is a violation.
     */
    public Result check(Map<String, Long> stockBaseline, Set<UUID> expectedDeadLetters) {
        String[] expected = expectedDeadLetters.stream().map(UUID::toString).toArray(String[]::new);
        List<Violation> v = new ArrayList<>();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("orders", count("select count(*) from orders.purchase_order"));
        jdbc.sql("select status, count(*) from orders.purchase_order group by status order by status")
                .query((rs, n) -> stats.put("orders_" + rs.getString(1), rs.getLong(2)))
                .list();

        // orders: exactly one terminal state, gap-free history, a legal walk of the saga
        rule(
                v,
                "order not in a terminal state",
                "select id || ' ' || status from orders.purchase_order " + "where status not in " + TERMINAL_SQL);
        rule(
                v,
                "terminal order without exactly one terminal event",
                "select o.id || ' has ' || count(e.sequence) "
                        + "from orders.purchase_order o left join orders.order_event e on e.order_id = o.id "
                        + "and e.type in ('order_completed', 'order_failed', 'order_cancelled') "
                        + "where o.status in " + TERMINAL_SQL + " group by o.id having count(e.sequence) <> 1");
        rule(
                v,
                "history with a gap (sequences not 1..n with n = version)",
                "select o.id || ' version ' || o.version "
                        + "|| ' events ' || count(e.sequence) || ' max ' || coalesce(max(e.sequence), 0) "
                        + "from orders.purchase_order o left join orders.order_event e on e.order_id = o.id "
                        + "group by o.id, o.version having count(e.sequence) <> o.version "
                        + "or coalesce(max(e.sequence), 0) <> o.version or coalesce(min(e.sequence), 0) <> 1");
        rule(
                v,
                "history of an unknown order",
                "select distinct e.order_id from orders.order_event e where not exists "
                        + "(select 1 from orders.purchase_order o where o.id = e.order_id)");
        illegalWalks(v);

        // money: charged - refunded = completed totals; each completed order charged once, its total
        BigDecimal charged = decimal(
                "select coalesce(sum(amount), 0) from payment.payment " + "where status in ('charged', 'refunded')");
        BigDecimal refunded = decimal("select coalesce(sum(refunded_amount), 0) from payment.payment");
        BigDecimal completed = decimal(
                "select coalesce(sum(total_amount), 0) from orders.purchase_order " + "where status = 'completed'");
        stats.put("money_charged", charged);
        stats.put("money_refunded", refunded);
        stats.put("money_completed_totals", completed);
        if (charged.subtract(refunded).compareTo(completed) != 0) {
            v.add(new Violation(
                    "money: charged - refunded != sum of completed totals",
                    1,
                    List.of("charged " + charged + " - refunded " + refunded + " = " + charged.subtract(refunded)
                            + " != " + completed)));
        }
        rule(
                v,
                "completed order not charged exactly its total",
                "select o.id || ' total ' || o.total_amount "
                        + "|| ' payment ' || coalesce(p.status || ' ' || p.amount, 'none') from orders.purchase_order o "
                        + "left join payment.payment p on p.order_id = o.id where o.status = 'completed' "
                        + "and (p.order_id is null or p.status <> 'charged' or p.amount <> o.total_amount "
                        + "or p.refunded_amount <> 0)");
        rule(
                v,
                "order that is not completed keeps money",
                "select p.order_id || ' ' || o.status || ' payment ' "
                        + "|| p.status || ' kept ' || (p.amount - p.refunded_amount) from payment.payment p "
                        + "join orders.purchase_order o on o.id = p.order_id where o.status <> 'completed' "
                        + "and p.status in ('charged', 'refunded') and p.amount - p.refunded_amount <> 0");
        rule(
                v,
                "refund does not match its payment",
                "select order_id || ' ' || status || ' amount ' || amount "
                        + "|| ' refunded ' || refunded_amount from payment.payment where refunded_amount < 0 "
                        + "or refunded_amount > amount or (status <> 'refunded' and refunded_amount <> 0)");
        // a repeated PaymentCharged (a step re-sent after its deadline, answered twice) is recorded twice with the
        // same payment id: that is one charge; two different payment ids for one order are two charges
        rule(
                v,
                "order charged twice (payment_charged with more than one payment id)",
                "select order_id || ' x' || "
                        + "count(distinct details->>'payment_id') from orders.order_event where type = 'payment_charged' "
                        + "group by order_id having count(distinct details->>'payment_id') > 1");
        rule(
                v,
                "payment reference used twice",
                "select payment_id || ' x' || count(*) from payment.payment "
                        + "where payment_id is not null group by payment_id having count(*) > 1");
        rule(
                v,
                "payment for an unknown order",
                "select p.order_id from payment.payment p where not exists "
                        + "(select 1 from orders.purchase_order o where o.id = p.order_id)");

        // stock: conserved, never negative, matching the reservations; terminal orders hold nothing
        rule(
                v,
                "stock below zero",
                "select sku || ' ' || available || '/' || reserved || '/' || shipped "
                        + "from inventory.stock where available < 0 or reserved < 0 or shipped < 0");
        rule(
                v,
                "stock reserved/shipped differ from the reservation lines",
                "select s.sku || ' reserved ' || s.reserved "
                        + "|| ' lines ' || coalesce(l.held, 0) || ', shipped ' || s.shipped || ' lines ' || coalesce(l.sent, 0) "
                        + "from inventory.stock s left join (select rl.sku, "
                        + "sum(rl.quantity) filter (where r.status = 'reserved') as held, "
                        + "sum(rl.quantity) filter (where r.status = 'shipped') as sent "
                        + "from inventory.reservation_line rl join inventory.reservation r on r.order_id = rl.order_id "
                        + "group by rl.sku) l on l.sku = s.sku "
                        + "where s.reserved <> coalesce(l.held, 0) or s.shipped <> coalesce(l.sent, 0)");
        rule(
                v,
                "reservation line without its reservation or its stock",
                "select l.order_id || ' ' || l.sku from inventory.reservation_line l "
                        + "where not exists (select 1 from inventory.reservation r where r.order_id = l.order_id) "
                        + "or not exists (select 1 from inventory.stock s where s.sku = l.sku)");
        if (stockBaseline != null) {
            Map<String, Long> now = stockTotals();
            List<String> changed = new ArrayList<>();
            stockBaseline.forEach((sku, initial) -> {
                Long current = now.get(sku);
                if (current == null || current.longValue() != initial.longValue()) {
                    changed.add(sku + " initial " + initial + " now available+reserved+shipped " + current);
                }
            });
            stats.put("stock_skus_compared", stockBaseline.size());
            if (!changed.isEmpty()) {
                v.add(new Violation(
                        "stock not conserved (initial != available + reserved + shipped)",
                        changed.size(),
                        changed.subList(0, Math.min(EXAMPLES, changed.size()))));
            }
        }
        rule(
                v,
                "terminal order still holds a reservation",
                "select r.order_id || ' ' || o.status "
                        + "from inventory.reservation r join orders.purchase_order o on o.id = r.order_id "
                        + "where r.status = 'reserved' and o.status in " + TERMINAL_SQL);
        rule(
                v,
                "completed order whose stock was not shipped",
                "select o.id || ' reservation ' "
                        + "|| coalesce(r.status, 'none') from orders.purchase_order o left join inventory.reservation r "
                        + "on r.order_id = o.id where o.status = 'completed' and coalesce(r.status, '') <> 'shipped'");
        rule(
                v,
                "stock shipped for an order that did not complete",
                "select r.order_id || ' ' "
                        + "|| coalesce(o.status, 'unknown') from inventory.reservation r left join orders.purchase_order o "
                        + "on o.id = r.order_id where r.status = 'shipped' and coalesce(o.status, '') <> 'completed'");

        // shipments: one per completed order, none otherwise
        rule(
                v,
                "shipment does not match the order's outcome",
                "select o.id || ' ' || o.status || ' shipment ' "
                        + "|| coalesce(s.status, 'none') from orders.purchase_order o left join shipping.shipment s "
                        + "on s.order_id = o.id where (o.status = 'completed') <> (coalesce(s.status, '') = 'created') "
                        + "or (o.status = 'completed' and o.tracking_number is distinct from s.tracking_number)");
        rule(
                v,
                "shipment for an unknown order",
                "select s.order_id from shipping.shipment s where not exists "
                        + "(select 1 from orders.purchase_order o where o.id = s.order_id)");

        // messages: each applied once (inbox primary keys), effects visible once, nothing left behind
        List<String> messagingSchemas = new ArrayList<>();
        rule(
                v,
                "terminal order without exactly 2 notifications (placed + outcome; none without an e-mail address): "
                        + "a message lost or applied twice",
                "select o.id || ' has ' || count(n.id) from orders.purchase_order o left join "
                        + "notification.notification n on n.order_id = o.id where o.status in " + TERMINAL_SQL
                        + " group by o.id, o.customer_email "
                        + "having count(n.id) <> case when o.customer_email is null then 0 else 2 end");
        for (String schema : MODULE_SCHEMAS) {
            if (tableExists(schema + ".outbox")) {
                rule(
                        v,
                        schema + " outbox not drained",
                        "select type || ' ' || coalesce(order_id, '') from " + schema + ".outbox");
                rule(
                        v,
                        schema + " dead letters parked (not an injected poison message)",
                        "select type || ' ' || coalesce(order_id, '') || ': ' " + "|| left(error, 120) from " + schema
                                + ".dead_letter where message_id <> all(?::uuid[])",
                        (Object) expected);
                stats.put("inbox_" + schema, count("select count(*) from " + schema + ".inbox"));
                messagingSchemas.add(schema);
            }
        }
        if (expected.length > 0) {
            // schema names come from the fixed list above
            String deadLetters = messagingSchemas.stream()
                    .map(schema -> "select message_id from " + schema + ".dead_letter")
                    .collect(Collectors.joining(" union all "));
            String inboxes = messagingSchemas.stream()
                    .map(schema -> "select message_id, '" + schema + "' as schema from " + schema + ".inbox")
                    .collect(Collectors.joining(" union all "));
            rule(
                    v,
                    "injected poison message not parked exactly once",
                    "select x.id::text || ' parked ' || count(d.message_id) || ' time(s)' "
                            + "from unnest(?::uuid[]) as x(id) left join (" + deadLetters
                            + ") d on d.message_id = x.id "
                            + "group by x.id having count(d.message_id) <> 1",
                    (Object) expected);
            rule(
                    v,
                    "injected poison message applied (in an inbox)",
                    "select i.message_id::text || ' in ' || i.schema from (" + inboxes + ") i "
                            + "where i.message_id = any(?::uuid[])",
                    (Object) expected);
            stats.put("poison_messages_expected", expected.length);
        }
        if (tableExists("broker.message")) {
            rule(
                    v,
                    "broker queue not drained",
                    "select queue || ' ' || type || ' attempts ' || attempts " + "from broker.message");
        }
        return new Result(List.copyOf(v), stats);
    }

    /**
     * No accepted order lost: every order the client was answered 202 for is in the order module's table. Only
     * the client knows which orders were accepted (an order the server lost leaves nothing behind in the
     * database), so the caller hands their ids in. {@code null} when none is missing.
     */
    public Violation lostOrders(Collection<String> acceptedIds) {
        Set<String> missing = new TreeSet<>(acceptedIds);
        List<String> ids = List.copyOf(acceptedIds);
        for (int from = 0; from < ids.size(); from += 5000) {
            String[] batch =
                    ids.subList(from, Math.min(ids.size(), from + 5000)).toArray(String[]::new);
            jdbc.sql("select id from orders.purchase_order where id = any(?)")
                    .param(batch)
                    .query(String.class)
                    .list()
                    .forEach(missing::remove);
        }
        if (missing.isEmpty()) {
            return null;
        }
        return new Violation(
                "accepted order lost (answered 202, not in orders.purchase_order)",
                missing.size(),
                missing.stream().limit(EXAMPLES).toList());
    }

    /** Statuses in history order must follow the saga: forward one step, to failed/cancelled, never out of terminal. */
    private void illegalWalks(List<Violation> v) {
        Walk walk = new Walk();
        String sql = "select e.order_id, e.sequence, e.type, e.status, o.status from orders.order_event e "
                + "join orders.purchase_order o on o.id = e.order_id order by e.order_id, e.sequence";
        if (dataSource == null) {
            jdbc.sql(sql).query((ResultSet rs) -> {
                walk.row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5));
            });
        } else {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false); // lets the driver stream with a fetch size
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setFetchSize(5000);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            walk.row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5));
                        }
                    }
                } finally {
                    c.rollback();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the order histories failed", e);
            }
        }
        walk.end();
        if (walk.broken > 0) {
            v.add(new Violation("history is not a legal walk of the saga", walk.broken, walk.examples));
        }
    }

    /** Follows each order's history, one row at a time in (order, sequence) order. */
    private static final class Walk {
        final List<String> examples = new ArrayList<>();
        long broken;
        String current;
        String previous;
        String finalStatus;
        String problem;

        void row(String id, int sequence, String type, String status, String orderStatus) {
            if (!id.equals(current)) {
                end();
                current = id;
                previous = null;
                problem = null;
            }
            finalStatus = orderStatus;
            if (problem == null) {
                if (previous == null) {
                    if (!"pending".equals(status) || !"order_placed".equals(type)) {
                        problem = "starts with " + type + " in " + status;
                    }
                } else if (!allowed(previous, status)) {
                    problem = previous + " -> " + status + " at sequence " + sequence;
                }
            }
            previous = status;
        }

        void end() {
            if (current == null) {
                return;
            }
            String found = problem != null ? problem : endProblem(previous, finalStatus);
            if (found != null && broken++ < EXAMPLES) {
                examples.add(current + ": " + found);
            }
            current = null;
        }
    }

    private static String endProblem(String lastEventStatus, String orderStatus) {
        return lastEventStatus != null && !lastEventStatus.equals(orderStatus)
                ? "last event in " + lastEventStatus + " but the order is " + orderStatus
                : null;
    }

    /**
     * The saga's allowed status changes: each step to the next, any non-terminal status to failed, any
     * non-terminal status but shipping to cancelled, and a status to itself (several events per decision,
     * late replies after the end). Terminal stays terminal.
     */
    static boolean allowed(String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        if (TERMINAL.contains(from)) {
            return false;
        }
        int i = SAGA_PATH.indexOf(from);
        if (i >= 0 && i + 1 < SAGA_PATH.size() && SAGA_PATH.get(i + 1).equals(to)) {
            return true;
        }
        if (to.equals("failed")) {
            return SAGA_PATH.contains(from);
        }
        return to.equals("cancelled") && SAGA_PATH.contains(from) && !from.equals("shipping");
    }

    // --- helpers ------------------------------------------------------------------------------------------

    /** Adds a violation when {@code examplesSql} (a fixed query yielding one text per broken row) finds rows. */
    private void rule(List<Violation> v, String rule, String examplesSql, Object... params) {
        long n = jdbc.sql("select count(*) from (" + examplesSql + ") broken")
                .params(params)
                .query(Long.class)
                .single();
        if (n > 0) {
            v.add(new Violation(
                    rule,
                    n,
                    jdbc.sql(examplesSql + " limit " + EXAMPLES)
                            .params(params)
                            .query(String.class)
                            .list()));
        }
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private BigDecimal decimal(String sql) {
        return jdbc.sql(sql).query(BigDecimal.class).single();
    }

    private boolean tableExists(String qualified) {
        return jdbc.sql("select to_regclass(?) is not null")
                .param(qualified)
                .query(Boolean.class)
                .single();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
