package io.orderflow.order.analytics;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The order history ({@code orders.order_event}) read as one stream, in {@code (tx, position)} order and only where
 * the writing transaction is older than the reading snapshot's xmin: every transaction below xmin has ended, so a
 * row that commits later always lands after what was read, even when transactions commit out of order.
 */
public final class EventStream {

    private static final String COLUMNS =
            "tx::text as tx, position, order_id, sequence, type, status, occurred_at, " + "details::text as details";
    /** Rows no running transaction can add to: written by a transaction older than every one still running. */
    private static final String SETTLED = "e.tx < pg_snapshot_xmin(pg_current_snapshot())";
    /**
     * Stream order, by the columns: a bare {@code tx} in {@code order by} would name the selected {@code tx::text},
     * which sorts 10 before 9 and no index serves (every call read the whole table).
     */
    private static final String STREAM_ORDER = "e.tx, e.position";

    private static final String STREAM_ORDER_DESC = "e.tx desc, e.position desc";

    private final JdbcClient jdbc;

    public EventStream(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The last settled event: how far a projection can read now. */
    public Optional<Position> head() {
        return jdbc.sql("select e.tx::text as tx, e.position from orders.order_event e where " + SETTLED + " order by "
                        + STREAM_ORDER_DESC + " limit 1")
                .query((rs, n) -> position(rs))
                .optional();
    }

    /** The last event of all, settled or not: a projection at this position has seen everything written so far. */
    public Optional<Position> end() {
        return jdbc.sql("select e.tx::text as tx, e.position from orders.order_event e order by " + STREAM_ORDER_DESC
                        + " limit 1")
                .query((rs, n) -> position(rs))
                .optional();
    }

    /** Events after {@code after} up to and including {@code upTo}, in stream order, at most {@code limit}. */
    public List<StoredEvent> between(Position after, Position upTo, int limit) {
        return jdbc.sql("select " + COLUMNS + " from orders.order_event e "
                        + "where (e.tx, e.position) > (?::xid8, ?) and (e.tx, e.position) <= (?::xid8, ?) "
                        + "order by " + STREAM_ORDER + " limit ?")
                .params(after.txText(), after.position(), upTo.txText(), upTo.position(), limit)
                .query((rs, n) -> event(rs))
                .list();
    }

    /** How many events lie after {@code after}, settled or not. */
    public long countAfter(Position after) {
        return jdbc.sql("select count(*) from orders.order_event where (tx, position) > (?::xid8, ?)")
                .params(after.txText(), after.position())
                .query(Long.class)
                .single();
    }

    /** The histories of these orders as far as the stream reaches {@code upTo}, each in sequence order. */
    public Map<String, List<StoredEvent>> histories(Collection<String> orderIds, Position upTo) {
        Map<String, List<StoredEvent>> histories = new LinkedHashMap<>();
        jdbc.sql("select " + COLUMNS + " from orders.order_event where order_id = any(?) "
                        + "and (tx, position) <= (?::xid8, ?) order by order_id, sequence")
                .params(orderIds.toArray(String[]::new), upTo.txText(), upTo.position())
                .query((rs, n) -> event(rs))
                .list()
                .forEach(e -> histories
                        .computeIfAbsent(e.orderId(), id -> new ArrayList<>())
                        .add(e));
        return histories;
    }

    private static StoredEvent event(ResultSet rs) throws SQLException {
        return new StoredEvent(
                position(rs),
                rs.getString("order_id"),
                rs.getInt("sequence"),
                rs.getString("type"),
                rs.getString("status"),
                rs.getTimestamp("occurred_at").toInstant(),
                rs.getString("details"));
    }

    static Position position(ResultSet rs) throws SQLException {
        return new Position(Long.parseUnsignedLong(rs.getString("tx")), rs.getLong("position"));
    }
}
