package io.orderflow.order;

import static java.util.Objects.requireNonNull;

import io.orderflow.shipping.ShippingAddress;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Orders and their history in the {@code orders} schema. Updates are guarded by the version. */
@Component
class Orders {

    private static final String COLUMNS = "id, customer_email, status, items::text as items, "
            + "priced_items::text as priced_items, total_amount, currency, card_token, "
            + "shipping_address::text as shipping_address, failure_reason, failure_detail, payment_id, "
            + "tracking_number, version, created_at, updated_at, step_started_at, step_attempts, next_deadline_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    /** Reads stored JSON keeping decimals exact: an amount is shown as it was written. */
    private final ObjectReader decimals;
    /** The readers of an order's JSON columns, resolved once (a lookup per read showed in profiles). */
    private final ObjectReader items;

    private final ObjectReader pricedItems;
    private final ObjectReader addresses;

    Orders(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.decimals = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.items = json.readerFor(new TypeReference<List<Order.Item>>() {});
        this.pricedItems = json.readerFor(new TypeReference<List<Order.PricedItem>>() {});
        this.addresses = json.readerFor(ShippingAddress.class);
    }

    /**
     * Inserts a new order as it stands (a placed order may already be priced, or failed), with who may see it, and
     * the first entries of its history, in one statement: the history as stored (what a read of it would answer, so
     * the placing answer needs no second statement), or empty (and nothing written) when the id is taken.
     */
    Optional<List<OrderView.Event>> insert(Order order, Ownership ownership, List<Entry> history) {
        PlacedFacts placement = new PlacedFacts(order.id());
        List<OrderView.Event> events = jdbc.sql(
                        "with written as (insert into orders.purchase_order (id, customer_email, status, items, "
                                + "priced_items, total_amount, currency, failure_reason, failure_detail, card_token, "
                                + "shipping_address, version, created_at, updated_at, step_started_at, step_attempts, "
                                + "next_deadline_at, customer_id, order_token_hash, id_chosen_by_client) "
                                + "values (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "on conflict (id) do nothing returning id)" + APPEND_RETURNING_HISTORY)
                .params(
                        order.id(),
                        order.customerEmail(),
                        order.status().wireName(),
                        json.writeValueAsString(order.items()),
                        order.pricedItems() == null ? null : json.writeValueAsString(order.pricedItems()),
                        order.totalAmount(),
                        order.currency(),
                        order.failureReason(),
                        order.failureDetail(),
                        order.cardToken(),
                        order.shippingAddress() == null ? null : json.writeValueAsString(order.shippingAddress()),
                        order.version(),
                        Timestamp.from(order.createdAt()),
                        Timestamp.from(order.updatedAt()),
                        timestamp(order.stepStartedAt()),
                        order.stepAttempts(),
                        timestamp(order.nextDeadlineAt()),
                        ownership.customerId(),
                        ownership.orderTokenHash(),
                        ownership.idChosenByClient())
                .params(history(order, 1, history))
                .query((rs, n) -> event(rs, placement))
                .list();
        // a new order has at least its placement in its history: no row appended means no order written
        return events.isEmpty() ? Optional.empty() : Optional.of(events);
    }

    /** Who may see the order and how far it has got: enough to answer a conditional read without loading it. */
    record Glance(Ownership ownership, OrderStatus status, int version, Instant updatedAt, String failureReason) {}

    Optional<Glance> glance(String id) {
        return jdbc.sql("select customer_id, order_token_hash, id_chosen_by_client, status, version, updated_at, "
                        + "failure_reason from orders.purchase_order where id = ?")
                .param(id)
                .query((rs, n) -> new Glance(
                        new Ownership(rs.getString(1), rs.getString(2), rs.getBoolean(3)),
                        OrderStatus.fromWireName(rs.getString(4)),
                        rs.getInt(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getString(7)))
                .optional();
    }

    /**
     * Orders accepted and not finished: the pipeline's backlog, for admission control, several times a second. Counted
     * by a function that reads them through their partial index, whatever the planner would choose (migration V8).
     */
    long inFlight() {
        return jdbc.sql("select orders.in_flight_orders()").query(Long.class).single();
    }

    Optional<Ownership> ownership(String id) {
        return jdbc.sql("select customer_id, order_token_hash, id_chosen_by_client from orders.purchase_order "
                        + "where id = ?")
                .param(id)
                .query((rs, n) -> new Ownership(rs.getString(1), rs.getString(2), rs.getBoolean(3)))
                .optional();
    }

    /**
     * Writes the order's new state and appends {@code entries} to its history (numbered on from
     * {@code expectedVersion}, at the order's update time), in one statement, if nobody changed it since
     * {@code expectedVersion}; false (and nothing written) otherwise.
     */
    boolean update(Order order, int expectedVersion, List<Entry> entries) {
        return jdbc.sql("with written as (update orders.purchase_order set status = ?, priced_items = ?::jsonb, "
                                + "total_amount = ?, currency = ?, failure_reason = ?, failure_detail = ?, payment_id = ?, "
                                + "tracking_number = ?, version = ?, updated_at = ?, step_started_at = ?, step_attempts = ?, "
                                + "next_deadline_at = ? where id = ? and version = ? returning id)" + APPEND_TO_WRITTEN)
                        .params(
                                order.status().wireName(),
                                order.pricedItems() == null ? null : json.writeValueAsString(order.pricedItems()),
                                order.totalAmount(),
                                order.currency(),
                                order.failureReason(),
                                order.failureDetail(),
                                order.paymentId(),
                                order.trackingNumber(),
                                order.version(),
                                Timestamp.from(order.updatedAt()),
                                timestamp(order.stepStartedAt()),
                                order.stepAttempts(),
                                timestamp(order.nextDeadlineAt()),
                                order.id(),
                                expectedVersion)
                        .params(history(order, expectedVersion + 1, entries))
                        .query(Integer.class)
                        .single()
                == 1;
    }

    /** A history entry with the status the order had once its decision was taken. */
    record Entry(Saga.Recorded event, OrderStatus status) {}

    /**
     * Follows the order's write ({@code written}, the row it wrote or none) in the same statement: its history
     * entries go in only with it. Its parameters are {@link #history}'s.
     */
    private static final String APPEND = ", appended as (insert into orders.order_event (order_id, sequence, type, "
            + "status, occurred_at, details, schema_version) select w.id, e.sequence, e.type, e.status, ?, "
            + "e.details::jsonb, ? from written w, unnest(?::int[], ?::text[], ?::text[], ?::text[]) "
            + "as e(sequence, type, status, details)";

    /** {@link #APPEND}, the statement answering how many orders it wrote. */
    private static final String APPEND_TO_WRITTEN = APPEND + ") select count(*)::int from written";

    /**
     * {@link #APPEND}, the statement answering the entries it appended as a read of the history gives them (none when
     * no order was written).
     */
    private static final String APPEND_RETURNING_HISTORY = APPEND
            + " returning sequence, type, status, occurred_at, details::text as details, schema_version) "
            + "select * from appended order by sequence";

    /** The parameters of {@link #APPEND}: {@code entries} numbered from {@code firstSequence}. */
    private Object[] history(Order order, int firstSequence, List<Entry> entries) {
        int size = entries.size();
        Integer[] sequences = new Integer[size];
        String[] types = new String[size];
        String[] statuses = new String[size];
        String[] details = new String[size];
        for (int i = 0; i < size; i++) {
            Entry entry = entries.get(i);
            JsonNode detail = json.valueToTree(entry.event().details());
            if (detail.isObject()) {
                ((ObjectNode) detail).remove("order_id");
            }
            sequences[i] = firstSequence + i;
            types[i] = entry.event().type();
            statuses[i] = entry.status().wireName();
            details[i] = json.writeValueAsString(detail);
        }
        return new Object[] {
            Timestamp.from(order.updatedAt()), OrderHistory.SCHEMA_VERSION, sequences, types, statuses, details
        };
    }

    Optional<Order> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from orders.purchase_order where id = ?")
                .param(id)
                .query((rs, n) -> order(rs))
                .optional();
    }

    List<OrderView.Event> eventsAfter(String orderId, int sequence) {
        return history(orderId, "sequence > ?", sequence);
    }

    /** The order's history from its start up to and including {@code sequence}. */
    List<OrderView.Event> eventsUpTo(String orderId, int sequence) {
        return history(orderId, "sequence <= ?", sequence);
    }

    /** The order's history from its start up to and including what happened at {@code instant}. */
    List<OrderView.Event> eventsUntil(String orderId, Instant instant) {
        return history(orderId, "occurred_at <= ?", Timestamp.from(instant));
    }

    /**
     * History entries in the current schema: an older one is upcast ({@link EventUpcaster}), from the placement
     * record where its version lacks facts fixed at placement. Decimals are read as written ({@code 40.00}).
     */
    private List<OrderView.Event> history(String orderId, String condition, Object bound) {
        PlacedFacts placement = new PlacedFacts(orderId);
        return jdbc.sql("select sequence, type, status, occurred_at, details::text as details, schema_version "
                        + "from orders.order_event where order_id = ? and " + condition + " order by sequence")
                .params(orderId, bound)
                .query((rs, n) -> event(rs, placement))
                .list();
    }

    /** One history entry of a row ({@code sequence, type, status, occurred_at, details, schema_version}). */
    private OrderView.Event event(ResultSet rs, Supplier<ObjectNode> placement) throws SQLException {
        String type = rs.getString("type");
        JsonNode details = EventUpcaster.upcast(
                type, rs.getInt("schema_version"), decimals.readTree(rs.getString("details")), placement);
        return new OrderView.Event(
                rs.getInt("sequence"),
                type,
                rs.getString("status"),
                rs.getTimestamp("occurred_at").toInstant(),
                details);
    }

    /** What was placed, from the order's row, read once and only if an old event needs it. */
    private final class PlacedFacts implements Supplier<ObjectNode> {

        private final String orderId;
        private @Nullable ObjectNode facts;

        PlacedFacts(String orderId) {
            this.orderId = orderId;
        }

        @Override
        public ObjectNode get() {
            ObjectNode read = facts;
            if (read == null) {
                String row = jdbc.sql("select jsonb_strip_nulls(jsonb_build_object('customer_email', customer_email, "
                                + "'items', items, 'shipping_address', shipping_address))::text "
                                + "from orders.purchase_order where id = ?")
                        .param(orderId)
                        .query(String.class)
                        .optional()
                        .orElse("{}");
                read = (ObjectNode) decimals.readTree(row);
                facts = read;
            }
            return read;
        }
    }

    Map<String, Integer> versions(Collection<String> ids) {
        Map<String, Integer> versions = new HashMap<>();
        jdbc.sql("select id, version from orders.purchase_order where id = any(?)")
                .param(ids.toArray(String[]::new))
                .query((rs, n) -> versions.put(rs.getString(1), rs.getInt(2)))
                .list();
        return versions;
    }

    List<Order> list(
            @Nullable String status, @Nullable String customerEmail, @Nullable String customerId, int page, int size) {
        List<Object> params = new ArrayList<>();
        String where = filter(status, customerEmail, customerId, params);
        params.add(size);
        params.add((long) page * size);
        return jdbc.sql("select " + COLUMNS + " from orders.purchase_order" + where
                        + " order by created_at desc, id limit ? offset ?")
                .params(params)
                .query((rs, n) -> order(rs))
                .list();
    }

    long count(@Nullable String status, @Nullable String customerEmail, @Nullable String customerId) {
        List<Object> params = new ArrayList<>();
        String where = filter(status, customerEmail, customerId, params);
        return jdbc.sql("select count(*) from orders.purchase_order" + where)
                .params(params)
                .query(Long.class)
                .single();
    }

    /** Builds a WHERE clause of fixed fragments; the values travel as bound parameters. */
    private static String filter(
            @Nullable String status, @Nullable String customerEmail, @Nullable String customerId, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        if (customerId != null) {
            clauses.add("customer_id = ?");
            params.add(customerId);
        }
        if (status != null) {
            clauses.add("status = ?");
            params.add(status);
        }
        if (customerEmail != null) {
            clauses.add("lower(customer_email) = lower(?)");
            params.add(customerEmail);
        }
        return clauses.isEmpty() ? "" : " where " + String.join(" and ", clauses);
    }

    private Order order(ResultSet rs) throws SQLException {
        String priced = rs.getString("priced_items");
        String address = rs.getString("shipping_address");
        return Order.restore(new Order.Snapshot(
                rs.getString("id"),
                rs.getString("customer_email"),
                items.readValue(rs.getString("items")),
                rs.getString("card_token"),
                address == null ? null : addresses.readValue(address),
                requireNonNull(instant(rs.getTimestamp("created_at"))),
                priced == null ? null : pricedItems.readValue(priced),
                rs.getBigDecimal("total_amount"),
                rs.getString("currency"),
                OrderStatus.fromWireName(rs.getString("status")),
                rs.getString("failure_reason"),
                rs.getString("failure_detail"),
                rs.getString("payment_id"),
                rs.getString("tracking_number"),
                rs.getInt("version"),
                requireNonNull(instant(rs.getTimestamp("updated_at"))),
                instant(rs.getTimestamp("step_started_at")),
                rs.getInt("step_attempts"),
                instant(rs.getTimestamp("next_deadline_at"))));
    }

    /** How many orders are in a status, and how long the one there longest has gone unchanged. */
    record StatusSummary(long orders, double oldestAgeSeconds) {}

    /** Every status, zeros included: for the live state diagram (the finished counts read the whole table). */
    Map<OrderStatus, StatusSummary> summaryByStatus() {
        Map<OrderStatus, StatusSummary> summary = inFlightByStatus();
        finishedByStatus().forEach((status, orders) -> summary.put(status, new StatusSummary(orders, 0)));
        return summary;
    }

    /**
     * Every unfinished status, zeros included, with how long the order there longest has gone unchanged: read through
     * the in-flight index (migration V9), so it costs what the orders in flight cost, whatever the table's size.
     */
    Map<OrderStatus, StatusSummary> inFlightByStatus() {
        Map<OrderStatus, StatusSummary> summary = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : OrderStatus.values()) {
            if (!status.isTerminal()) {
                summary.put(status, new StatusSummary(0, 0));
            }
        }
        jdbc.sql("select order_status, orders, oldest_age_seconds from orders.in_flight_by_status()")
                .query((rs, n) -> summary.put(
                        OrderStatus.fromWireName(rs.getString("order_status")),
                        new StatusSummary(rs.getLong("orders"), Math.max(0, rs.getDouble("oldest_age_seconds")))))
                .list();
        return summary;
    }

    /** How many orders ended in each terminal status, zeros included: a count over the whole table. */
    Map<OrderStatus, Long> finishedByStatus() {
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        List<String> terminal = new ArrayList<>();
        for (OrderStatus status : OrderStatus.values()) {
            if (status.isTerminal()) {
                counts.put(status, 0L);
                terminal.add(status.wireName());
            }
        }
        jdbc.sql("select status, count(*) as orders from orders.purchase_order where status = any(?) group by status")
                .param(terminal.toArray(String[]::new))
                .query((rs, n) -> counts.put(OrderStatus.fromWireName(rs.getString("status")), rs.getLong("orders")))
                .list();
        return counts;
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
