package io.orderflow.messaging.deadletter;

import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.Journal;
import io.orderflow.messaging.Transport;
import io.orderflow.messaging.deadletter.DeadLetterDetail.Action;
import io.orderflow.platform.Modules;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dead letters of the modules this process runs: each module keeps its own in {@code <schema>.dead_letter}.
 * Rows are never deleted; re-drive and discard change their status and leave an audit record in
 * {@code <schema>.dead_letter_action}. Schema names come from the module registry, never from input; every
 * value is a bound parameter. Plain Java: what goes wrong is a kernel exception ({@link DeadLetterNotFoundException},
 * {@link ModuleNotServedException}, {@link DeadLetterNotParkedException}, {@link RedriveFailedException}); the
 * operations module decides what an operator sees.
 */
@Component
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    public static final String PARKED = "parked";
    public static final String REDRIVEN = "redriven";
    public static final String DISCARDED = "discarded";
    public static final List<String> STATUSES = List.of(PARKED, REDRIVEN, DISCARDED);

    private static final String SUMMARY_COLUMNS = "id, message_id, type, order_id, left(error, 300) as error, "
            + "attempts, first_failed_at, last_failed_at, parked_at, status, status_changed_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Transport transport;
    private final TransactionTemplate tx;
    private final Modules modules;
    private final Journal journal;

    DeadLetters(
            JdbcClient jdbc,
            JsonMapper json,
            Transport transport,
            PlatformTransactionManager transactions,
            Environment environment,
            Journal journal) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.json = json;
        this.transport = transport;
        this.tx = new TransactionTemplate(transactions);
        this.modules = Modules.from(environment);
    }

    /** The modules whose dead letters this process serves, in registry order. */
    public List<String> servedModules() {
        return modules.running();
    }

    /** One page of a listing, newest parking first, and how many match in all. */
    public record Listing(List<DeadLetterSummary> items, long total, List<String> modules) {}

    /** How many parked dead letters match a bulk re-drive's filter, and the oldest of them to take now. */
    public record Parked(long matched, List<DeadLetterRef> oldest) {}

    public Listing list(DeadLetterFilter filter, int page, int size) {
        Query query = union(filter, SUMMARY_COLUMNS);
        long total = query.modules.isEmpty()
                ? 0
                : jdbc.sql("select count(*) from (" + query.sql + ") d")
                        .params(query.params)
                        .query(Long.class)
                        .single();
        List<DeadLetterSummary> items = List.of();
        if (total > 0) {
            List<Object> params = new ArrayList<>(query.params);
            params.add(size);
            params.add((long) page * size);
            items = jdbc.sql("select * from (" + query.sql + ") d order by parked_at desc, id desc limit ? offset ?")
                    .params(params)
                    .query((rs, n) -> summary(rs))
                    .list();
        }
        return new Listing(items, total, query.modules);
    }

    /** Per served module, how many dead letters are in each status (every status present, zero if none). */
    public Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (String module : servedModules()) {
            Map<String, Long> byStatus = new TreeMap<>();
            STATUSES.forEach(s -> byStatus.put(s, 0L));
            jdbc.sql("select status, count(*) as n from " + Modules.schemaOf(module) + ".dead_letter group by status")
                    .query((rs, n) -> byStatus.put(rs.getString("status"), rs.getLong("n")))
                    .list();
            counts.put(module, byStatus);
        }
        return counts;
    }

    public DeadLetterDetail inspect(String module, long id) {
        String schema = schemaServed(module);
        DeadLetterDetail detail = jdbc.sql(
                        "select id, message_id, type, version, order_id, causation_id, occurred_at, payload, "
                                + "headers::text as headers, error, stack, attempts, first_failed_at, last_failed_at, parked_at, "
                                + "status, status_changed_at from " + schema + ".dead_letter where id = ?")
                .param(id)
                .query((rs, n) -> new DeadLetterDetail(
                        module,
                        rs.getLong("id"),
                        rs.getObject("message_id", UUID.class),
                        rs.getString("type"),
                        rs.getObject("version") == null ? Envelope.CURRENT_VERSION : rs.getInt("version"),
                        rs.getString("order_id"),
                        rs.getObject("causation_id", UUID.class),
                        instant(rs.getTimestamp("occurred_at")),
                        rs.getString("payload"),
                        headers(rs.getString("headers")),
                        rs.getString("error"),
                        rs.getString("stack"),
                        rs.getInt("attempts"),
                        rs.getTimestamp("first_failed_at").toInstant(),
                        rs.getTimestamp("last_failed_at").toInstant(),
                        rs.getTimestamp("parked_at").toInstant(),
                        rs.getString("status"),
                        instant(rs.getTimestamp("status_changed_at")),
                        List.of(),
                        List.of()))
                .optional()
                .orElseThrow(() -> notFound(module, id));
        List<Action> actions = jdbc.sql("select id, action, operator, reason, bulk_id, at from " + schema
                        + ".dead_letter_action where dead_letter_id = ? order by at, id")
                .param(id)
                .query((rs, n) -> new Action(
                        rs.getLong("id"),
                        rs.getString("action"),
                        rs.getString("operator"),
                        rs.getString("reason"),
                        rs.getObject("bulk_id", UUID.class),
                        rs.getTimestamp("at").toInstant()))
                .list();
        List<Long> others = jdbc.sql(
                        "select id from " + schema + ".dead_letter where message_id = ? and id <> ? " + "order by id")
                .params(detail.messageId(), id)
                .query(Long.class)
                .list();
        return detail.withHistory(actions, others);
    }

    /**
     * Puts the parked message back on its module's queue, marks it re-driven and records who did it, in one
     * transaction (with RabbitMQ the publish is confirmed inside it; see {@link Transport#redeliver}).
     */
    public DeadLetterDetail redrive(String module, long id, String operator) {
        redrive(module, id, operator, null);
        return inspect(module, id);
    }

    /**
     * Re-drives one dead letter as part of the bulk re-drive {@code bulkId} (recorded in its audit).
     *
     * @throws DeadLetterNotParkedException when someone re-drove or discarded it meanwhile
     */
    public void redrive(DeadLetterRef deadLetter, String operator, UUID bulkId) {
        redrive(deadLetter.module(), deadLetter.id(), operator, bulkId);
    }

    private void redrive(String module, long id, String operator, @Nullable UUID bulkId) {
        String schema = schemaServed(module);
        tx.executeWithoutResult(status -> {
            Envelope envelope = jdbc.sql("select message_id, type, version, order_id, causation_id, occurred_at, "
                            + "parked_at, payload, headers::text as headers, status from " + schema
                            + ".dead_letter where id = ? for update")
                    .param(id)
                    .query((rs, n) -> {
                        requireParked(module, id, rs.getString("status"));
                        Timestamp occurred = rs.getTimestamp("occurred_at");
                        Map<String, String> headers = new LinkedHashMap<>();
                        headers(rs.getString("headers")).forEach((k, v) -> headers.put(k, String.valueOf(v)));
                        return new Envelope(
                                rs.getObject("message_id", UUID.class),
                                rs.getString("type"),
                                rs.getObject("version") == null ? Envelope.CURRENT_VERSION : rs.getInt("version"),
                                rs.getString("order_id"),
                                rs.getObject("causation_id", UUID.class),
                                (occurred == null ? rs.getTimestamp("parked_at") : occurred).toInstant(),
                                rs.getString("payload"),
                                headers);
                    })
                    .optional()
                    .orElseThrow(() -> notFound(module, id));
            // recorded first, so the audit's clock time is when the re-drive began (a paced bulk re-drive shows
            // its pacing there, not the broker's confirm time); a failed publish rolls the record back
            jdbc.sql("update " + schema + ".dead_letter set status = 'redriven', status_changed_at = now() "
                            + "where id = ?")
                    .param(id)
                    .update();
            audit(schema, id, "redrive", operator, null, bulkId);
            journal.operatorAction(module, Journal.Kind.REDRIVEN, envelope, operator, null);
            try {
                transport.redeliver(module, envelope);
            } catch (RuntimeException e) {
                log.warn("Re-drive of {} dead letter {} failed", module, id, e);
                throw new RedriveFailedException(module, id, rootMessage(e), e);
            }
        });
        log.info(
                "{} re-drove {} dead letter {}{}",
                operator,
                module,
                id,
                bulkId == null ? "" : " (bulk " + bulkId + ")");
    }

    public DeadLetterDetail discard(String module, long id, String operator, String reason) {
        String schema = schemaServed(module);
        tx.executeWithoutResult(status -> {
            Envelope envelope = jdbc.sql("select message_id, type, order_id, causation_id, status, parked_at from "
                            + schema + ".dead_letter where id = ? for update")
                    .param(id)
                    .query((rs, n) -> {
                        requireParked(module, id, rs.getString("status"));
                        return new Envelope(
                                rs.getObject("message_id", UUID.class),
                                rs.getString("type"),
                                Envelope.CURRENT_VERSION,
                                rs.getString("order_id"),
                                rs.getObject("causation_id", UUID.class),
                                rs.getTimestamp("parked_at").toInstant(),
                                "",
                                Map.of());
                    })
                    .optional()
                    .orElseThrow(() -> notFound(module, id));
            journal.operatorAction(module, Journal.Kind.DISCARDED, envelope, operator, reason);
            jdbc.sql("update " + schema + ".dead_letter set status = 'discarded', status_changed_at = now() "
                            + "where id = ?")
                    .param(id)
                    .update();
            audit(schema, id, "discard", operator, reason, null);
        });
        log.info("{} discarded {} dead letter {}: {}", operator, module, id, reason);
        return inspect(module, id);
    }

    /**
     * The parked dead letters matching {@code filter} (whatever its status), the oldest {@code limit} of them
     * first: what a bulk re-drive takes in one call, each then re-driven on its own.
     */
    public Parked parked(DeadLetterFilter filter, int limit) {
        Query query = union(filter.withStatus(PARKED), "id, parked_at");
        if (query.modules.isEmpty()) {
            return new Parked(0, List.of());
        }
        long matched = jdbc.sql("select count(*) from (" + query.sql + ") d")
                .params(query.params)
                .query(Long.class)
                .single();
        List<Object> params = new ArrayList<>(query.params);
        params.add(limit);
        List<DeadLetterRef> oldest = jdbc.sql(
                        "select module, id from (" + query.sql + ") d order by parked_at, module, id " + "limit ?")
                .params(params)
                .query((rs, n) -> new DeadLetterRef(rs.getString("module"), rs.getLong("id")))
                .list();
        return new Parked(matched, oldest);
    }

    private void audit(
            String schema, long id, String action, String operator, @Nullable String reason, @Nullable UUID bulkId) {
        jdbc.sql("insert into " + schema + ".dead_letter_action (dead_letter_id, action, operator, reason, bulk_id) "
                        + "values (?, ?, ?, ?, ?)")
                .params(id, action, operator, reason, bulkId)
                .update();
    }

    /** The module's schema, if this process serves it. */
    private String schemaServed(String module) {
        if (!Modules.ALL.contains(module) || !modules.runs(module)) {
            throw new ModuleNotServedException(module, servedModules());
        }
        return Modules.schemaOf(module);
    }

    private record Query(String sql, List<Object> params, List<String> modules) {}

    /** One select per served module (or the one asked for), with the same bound filters, glued by union all. */
    private Query union(DeadLetterFilter filter, String columns) {
        List<String> selected = filter.module() == null ? servedModules() : List.of(filter.module());
        if (filter.module() != null) {
            schemaServed(filter.module());
        }
        StringBuilder where = new StringBuilder();
        List<Object> filterParams = new ArrayList<>();
        if (filter.type() != null) {
            where.append(" and type = ?");
            filterParams.add(filter.type());
        }
        if (filter.orderId() != null) {
            where.append(" and order_id = ?");
            filterParams.add(filter.orderId());
        }
        if (filter.status() != null) {
            where.append(" and status = ?");
            filterParams.add(filter.status());
        }
        if (filter.parkedAfter() != null) {
            where.append(" and parked_at >= ?");
            filterParams.add(Timestamp.from(filter.parkedAfter()));
        }
        if (filter.parkedBefore() != null) {
            where.append(" and parked_at < ?");
            filterParams.add(Timestamp.from(filter.parkedBefore()));
        }
        List<String> selects = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String module : selected) {
            selects.add("select cast(? as text) as module, " + columns + " from " + Modules.schemaOf(module)
                    + ".dead_letter where true" + where);
            params.add(module);
            params.addAll(filterParams);
        }
        return new Query(String.join(" union all ", selects), params, selected);
    }

    private static void requireParked(String module, long id, String status) {
        if (!PARKED.equals(status)) {
            throw new DeadLetterNotParkedException(module, id, status);
        }
    }

    private static DeadLetterNotFoundException notFound(String module, long id) {
        return new DeadLetterNotFoundException(module, id);
    }

    private DeadLetterSummary summary(ResultSet rs) throws SQLException {
        return new DeadLetterSummary(
                rs.getString("module"),
                rs.getLong("id"),
                rs.getObject("message_id", UUID.class),
                rs.getString("type"),
                rs.getString("order_id"),
                rs.getString("error"),
                rs.getInt("attempts"),
                rs.getTimestamp("first_failed_at").toInstant(),
                rs.getTimestamp("last_failed_at").toInstant(),
                rs.getTimestamp("parked_at").toInstant(),
                rs.getString("status"),
                instant(rs.getTimestamp("status_changed_at")));
    }

    private Map<String, Object> headers(String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, new TypeReference<Map<String, Object>>() {});
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
