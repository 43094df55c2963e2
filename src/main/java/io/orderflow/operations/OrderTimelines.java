package io.orderflow.operations;

import io.orderflow.order.OrderManagement;
import io.orderflow.order.OrderView;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.ConditionalOnModule;
import io.orderflow.platform.Modules;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads one order's timeline from the shared database (one database in both run modes, so any process that runs the
 * order module can answer for every module): the order and its history through the order module's API, and with
 * plain SQL what the operator-facing side reads across modules, each table in its owner's schema:
 * <ul>
 *   <li>the message journal of every module ({@code <schema>.journal} for each of {@link Modules#ALL}, union all),
 *   <li>their dead letters and the operators' actions on them ({@code <schema>.dead_letter},
 *       {@code dead_letter_action}),
 *   <li>the customer messages kept for the order ({@code notification.notification}).
 * </ul>
 * Read only. A table that does not exist (a module that never ran against this database) is left out and named in
 * {@code missing_sources}.
 */
@Component
@ConditionalOnModule("order")
class OrderTimelines {

    /** More entries than any order makes unless something loops; the rest is left out (the summary says so). */
    static final int MAX_JOURNAL_ROWS = 5000;

    private static final String NOTIFICATIONS = "notification.notification";

    private final JdbcClient jdbc;
    private final OrderManagement orders;

    OrderTimelines(JdbcClient jdbc, OrderManagement orders) {
        this.jdbc = jdbc;
        this.orders = orders;
    }

    /**
     * Everything from one snapshot of the database (repeatable read): a delivery that commits while the timeline is
     * read shows with all it did (its journal rows, the history it recorded) or not at all.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Timeline.View timeline(String orderId) {
        OrderView order = orders.summary(orderId).orElseThrow(() -> ApiProblem.notFound("Order", orderId));
        List<Timeline.Event> events = orders.eventsAfter(orderId, 0).stream()
                .map(e -> new Timeline.Event(e.sequence(), e.type(), e.status(), e.occurredAt(), e.details()))
                .toList();
        List<String> schemas = Modules.ALL.stream().map(Modules::schemaOf).toList();
        List<String> wanted = new ArrayList<>();
        schemas.forEach(s -> wanted.add(s + ".journal"));
        schemas.forEach(s -> wanted.add(s + ".dead_letter"));
        wanted.add(NOTIFICATIONS);
        Set<String> present = existing(wanted);
        List<String> missing = wanted.stream().filter(t -> !present.contains(t)).toList();

        List<String> journals =
                schemas.stream().filter(s -> present.contains(s + ".journal")).toList();
        List<String> deadLetterSchemas = schemas.stream()
                .filter(s -> present.contains(s + ".dead_letter"))
                .toList();
        List<Timeline.JournalRow> journal = journal(journals, orderId);
        return Timeline.assemble(
                new Timeline.Order(order.id(), order.status(), order.createdAt()),
                journal,
                events,
                present.contains(NOTIFICATIONS) ? notifications(orderId) : List.of(),
                deadLetters(deadLetterSchemas, orderId),
                OrderManagement.compensationTypes(),
                wanted.stream().filter(present::contains).toList(),
                missing,
                journal.size() >= MAX_JOURNAL_ROWS);
    }

    /** Which of the tables exist; the names are ours (module schemas), passed as values, never spliced. */
    private Set<String> existing(List<String> tables) {
        return Set.copyOf(jdbc.sql("select t from unnest(cast(? as text[])) as t where to_regclass(t) is not null")
                .param(tables.toArray(String[]::new))
                .query(String.class)
                .list());
    }

    private List<Timeline.JournalRow> journal(List<String> schemas, String orderId) {
        if (schemas.isEmpty()) {
            return List.of();
        }
        List<String> selects = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String schema : schemas) {
            // the schema name comes from the module registry, never from input; the order id is a bound parameter
            selects.add("select id, at, module, instance, kind, message_id, causation_id, type, attempt, queue_ms, "
                    + "handler_ms, trace_id, detail from " + schema + ".journal where order_id = ?");
            params.add(orderId);
        }
        params.add(MAX_JOURNAL_ROWS);
        return jdbc.sql(String.join(" union all ", selects) + " order by at, id limit ?")
                .params(params)
                .query((rs, n) -> new Timeline.JournalRow(
                        rs.getLong("id"),
                        instant(rs, "at"),
                        rs.getString("module"),
                        rs.getString("instance"),
                        rs.getString("kind"),
                        rs.getObject("message_id", UUID.class),
                        rs.getObject("causation_id", UUID.class),
                        rs.getString("type"),
                        (Integer) rs.getObject("attempt"),
                        rs.getBigDecimal("queue_ms"),
                        rs.getBigDecimal("handler_ms"),
                        rs.getString("trace_id"),
                        rs.getString("detail")))
                .list();
    }

    private List<Timeline.Notification> notifications(String orderId) {
        return jdbc.sql("select id, kind, subject, email_status, created_at, sent_at from notification.notification "
                        + "where order_id = ? order by created_at, id")
                .param(orderId)
                .query((rs, n) -> new Timeline.Notification(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getString("subject"),
                        rs.getString("email_status"),
                        instant(rs, "created_at"),
                        nullableInstant(rs, "sent_at")))
                .list();
    }

    private List<Timeline.DeadLetter> deadLetters(List<String> schemas, String orderId) {
        if (schemas.isEmpty()) {
            return List.of();
        }
        List<String> letters = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String schema : schemas) {
            letters.add("select cast(? as text) as module, id, message_id, type, status, error, attempts, "
                    + "first_failed_at, parked_at, status_changed_at from " + schema
                    + ".dead_letter where order_id = ?");
            actions.add("select cast(? as text) as module, a.dead_letter_id, a.action, a.operator, a.reason, a.at from "
                    + schema + ".dead_letter_action a join " + schema + ".dead_letter d on d.id = a.dead_letter_id "
                    + "where d.order_id = ?");
            params.add(moduleOf(schema));
            params.add(orderId);
        }
        Map<String, List<Timeline.DeadLetterAction>> byLetter = new HashMap<>();
        jdbc.sql(String.join(" union all ", actions) + " order by at, dead_letter_id")
                .params(params)
                .query((rs, n) -> {
                    byLetter.computeIfAbsent(
                                    rs.getString("module") + "/" + rs.getLong("dead_letter_id"), k -> new ArrayList<>())
                            .add(new Timeline.DeadLetterAction(
                                    rs.getString("action"),
                                    rs.getString("operator"),
                                    rs.getString("reason"),
                                    instant(rs, "at")));
                    return n;
                })
                .list();
        return jdbc.sql(String.join(" union all ", letters) + " order by parked_at, module, id")
                .params(params)
                .query((rs, n) -> new Timeline.DeadLetter(
                        rs.getString("module"),
                        rs.getLong("id"),
                        rs.getObject("message_id", UUID.class),
                        rs.getString("type"),
                        rs.getString("status"),
                        rs.getString("error"),
                        rs.getInt("attempts"),
                        instant(rs, "first_failed_at"),
                        instant(rs, "parked_at"),
                        nullableInstant(rs, "status_changed_at"),
                        List.copyOf(byLetter.getOrDefault(rs.getString("module") + "/" + rs.getLong("id"), List.of()))))
                .list();
    }

    private static String moduleOf(String schema) {
        return Modules.ALL.stream()
                .filter(m -> Modules.schemaOf(m).equals(schema))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no module owns schema " + schema));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    private static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
