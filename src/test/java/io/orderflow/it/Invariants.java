package io.orderflow.it;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The system's promises, checked against every module's own data once the load has drained: money and
 * stock balance, terminal orders hold nothing, histories are gap-free.
 */
final class Invariants {

    static final Map<String, Integer> INITIAL_STOCK = Map.of("PROD-001", 1_000_000, "PROD-002", 1_000_000,
            "PROD-003", 1_000_000, "PROD-004", 0);

    private Invariants() {
    }

    /** Messages still on their way: compensations may be in flight until this is zero. */
    static long inFlight(JdbcClient jdbc, boolean postgresBroker) {
        long outbox = 0;
        for (String schema : List.of("orders", "catalog", "inventory", "payment", "shipping", "notification")) {
            outbox += jdbc.sql("select count(*) from " + schema + ".outbox").query(Long.class).single();
        }
        long queued = postgresBroker ? jdbc.sql("select count(*) from broker.message").query(Long.class).single() : 0;
        long heldByTerminal = jdbc.sql("select count(*) from inventory.reservation r where r.status = 'reserved' "
                + "and r.order_id in (select id from orders.purchase_order where status in ('completed', 'failed', 'cancelled'))")
                .query(Long.class).single();
        long chargedNotCompleted = jdbc.sql("select count(*) from payment.payment p where p.status = 'charged' "
                + "and p.order_id in (select id from orders.purchase_order where status <> 'completed')")
                .query(Long.class).single();
        return outbox + queued + heldByTerminal + chargedNotCompleted;
    }

    static List<String> violations(JdbcClient jdbc) {
        List<String> violations = new ArrayList<>();
        long open = jdbc.sql("select count(*) from orders.purchase_order where status not in "
                + "('completed', 'failed', 'cancelled')").query(Long.class).single();
        if (open > 0) {
            violations.add(open + " order(s) not in a terminal state");
        }
        BigDecimal charged = jdbc.sql("select coalesce(sum(amount), 0) from payment.payment "
                + "where status in ('charged', 'refunded')").query(BigDecimal.class).single();
        BigDecimal refunded = jdbc.sql("select coalesce(sum(refunded_amount), 0) from payment.payment")
                .query(BigDecimal.class).single();
        BigDecimal completed = jdbc.sql("select coalesce(sum(total_amount), 0) from orders.purchase_order "
                + "where status = 'completed'").query(BigDecimal.class).single();
        if (charged.subtract(refunded).compareTo(completed) != 0) {
            violations.add("charged " + charged + " - refunded " + refunded + " != completed totals " + completed);
        }
        long completedWithoutCharge = jdbc.sql("select count(*) from orders.purchase_order o where o.status = 'completed' "
                + "and not exists (select 1 from payment.payment p where p.order_id = o.id and p.status = 'charged' "
                + "and p.amount = o.total_amount)").query(Long.class).single();
        if (completedWithoutCharge > 0) {
            violations.add(completedWithoutCharge + " completed order(s) without exactly their total charged");
        }
        jdbc.sql("select sku, available, reserved, shipped from inventory.stock").query((rs, n) -> {
            String sku = rs.getString(1);
            long sum = (long) rs.getInt(2) + rs.getInt(3) + rs.getInt(4);
            Integer initial = INITIAL_STOCK.get(sku);
            if (initial != null && sum != initial) {
                violations.add(sku + ": available " + rs.getInt(2) + " + reserved " + rs.getInt(3) + " + shipped "
                        + rs.getInt(4) + " != initial " + initial);
            }
            return null;
        }).list();
        long reservedByTerminal = jdbc.sql("select count(*) from inventory.reservation r join orders.purchase_order o "
                + "on o.id = r.order_id where r.status = 'reserved' and o.status in ('completed', 'failed', 'cancelled')")
                .query(Long.class).single();
        if (reservedByTerminal > 0) {
            violations.add(reservedByTerminal + " terminal order(s) still hold a reservation");
        }
        long shipmentsMismatch = jdbc.sql("select count(*) from orders.purchase_order o where "
                + "(o.status = 'completed') <> exists (select 1 from shipping.shipment s where s.order_id = o.id "
                + "and s.status = 'created')").query(Long.class).single();
        if (shipmentsMismatch > 0) {
            violations.add(shipmentsMismatch + " order(s) whose shipment does not match their outcome");
        }
        long gaps = jdbc.sql("select count(*) from orders.purchase_order o where o.version <> "
                + "(select count(*) from orders.order_event e where e.order_id = o.id) or o.version <> "
                + "(select coalesce(max(sequence), 0) from orders.order_event e where e.order_id = o.id)")
                .query(Long.class).single();
        if (gaps > 0) {
            violations.add(gaps + " order history(ies) with gaps or a version that is not the last sequence");
        }
        return violations;
    }
}
