package io.orderflow.order.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The analytics read model: per-order facts ({@code analytics_order}) and per-line facts
 * ({@code analytics_order_line}), derived by {@link OrderFacts}. Every order an event batch touches is derived again
 * from its history up to the batch's end and its rows replaced.
 */
public final class AnalyticsProjection implements Projection {

    public static final String NAME = "analytics";
    static final String ORDERS = "analytics_order";
    static final String LINES = "analytics_order_line";

    private final JdbcClient jdbc;
    private final EventStream stream;

    public AnalyticsProjection(JdbcClient jdbc, EventStream stream) {
        this.jdbc = jdbc;
        this.stream = stream;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of(ORDERS, LINES);
    }

    @Override
    public void apply(List<StoredEvent> events, Position upTo, Tables tables) {
        Set<String> touched = new LinkedHashSet<>();
        events.forEach(e -> touched.add(e.orderId()));
        if (touched.isEmpty()) {
            return;
        }
        Map<String, List<StoredEvent>> histories = stream.histories(touched, upTo);
        List<OrderFacts.Derived> derived = new ArrayList<>();
        histories.forEach((id, history) -> derived.add(OrderFacts.derive(id, history)));
        String[] ids = touched.toArray(String[]::new);
        jdbc.sql("delete from " + tables.of(LINES) + " where order_id = any(?)")
                .param(ids)
                .update();
        jdbc.sql("delete from " + tables.of(ORDERS) + " where order_id = any(?)")
                .param(ids)
                .update();
        insertFacts(derived, tables);
        insertLines(derived, tables);
    }

    private void insertFacts(List<OrderFacts.Derived> derived, Tables tables) {
        if (derived.isEmpty()) {
            return;
        }
        int n = derived.size();
        String[][] columns = new String[15][n];
        for (int i = 0; i < n; i++) {
            OrderFacts.Fact f = derived.get(i).fact();
            columns[0][i] = f.orderId();
            columns[1][i] = f.placedAt().toString();
            columns[2][i] = f.status();
            columns[3][i] = text(f.finishedAt());
            columns[4][i] = text(f.totalAmount());
            columns[5][i] = f.currency();
            columns[6][i] = text(f.chargedAmount());
            columns[7][i] = text(f.refundedAmount());
            columns[8][i] = f.failureReason();
            columns[9][i] = Integer.toString(f.compensations());
            for (int s = 0; s < OrderFacts.STAGES.size(); s++) {
                columns[10 + s][i] = text(f.stage(OrderFacts.STAGES.get(s)));
            }
            columns[14][i] = Integer.toString(f.events());
        }
        jdbc.sql("insert into " + tables.of(ORDERS) + " (order_id, placed_at, status, finished_at, total_amount, "
                        + "currency, charged_amount, refunded_amount, failure_reason, compensations, validating_ms, "
                        + "inventory_check_ms, payment_processing_ms, shipping_ms, events) "
                        + "select a, b::timestamptz, c, d::timestamptz, e::numeric, f, g::numeric, h::numeric, i, "
                        + "j::int, k::numeric, l::numeric, m::numeric, o::numeric, p::int "
                        + "from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
                        + "as t(a, b, c, d, e, f, g, h, i, j, k, l, m, o, p)")
                .params((Object[]) columns)
                .update();
    }

    private void insertLines(List<OrderFacts.Derived> derived, Tables tables) {
        List<String> orderIds = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<String> skus = new ArrayList<>();
        List<Integer> quantities = new ArrayList<>();
        List<@Nullable String> amounts = new ArrayList<>();
        for (OrderFacts.Derived d : derived) {
            for (OrderFacts.Line line : d.lines()) {
                orderIds.add(d.fact().orderId());
                numbers.add(line.line());
                skus.add(line.sku());
                quantities.add(line.quantity());
                amounts.add(text(line.amount()));
            }
        }
        if (orderIds.isEmpty()) {
            return;
        }
        jdbc.sql("insert into " + tables.of(LINES) + " (order_id, line, sku, quantity, amount) "
                        + "select a, b, c, d, e::numeric from unnest(?::text[], ?::int[], ?::text[], ?::int[], ?::text[]) "
                        + "as t(a, b, c, d, e)")
                .params(
                        orderIds.toArray(String[]::new),
                        numbers.toArray(Integer[]::new),
                        skus.toArray(String[]::new),
                        quantities.toArray(Integer[]::new),
                        amounts.toArray(String[]::new))
                .update();
    }

    private static @Nullable String text(@Nullable Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static @Nullable String text(@Nullable BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }
}
