package io.orderflow.inventory;

import io.orderflow.messaging.MessageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Every operation is idempotent per order: a repeated command answers with the outcome already recorded,
 * so redelivery or a re-sent command can never reserve, release or ship twice.
 */
@Component
class Inventory {

    private static final Logger log = LoggerFactory.getLogger(Inventory.class);

    private final JdbcClient jdbc;

    Inventory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void reserve(ReserveStock command, MessageContext context) {
        Optional<String> existing = reservationStatus(command.orderId());
        if (existing.isPresent()) {
            context.send(
                    switch (existing.get()) {
                        case "reserved", "shipped" -> new StockReserved(command.orderId());
                        default -> new StockUnavailable(command.orderId(), "reservation_" + existing.get(), List.of());
                    });
            return;
        }
        // one quantity per SKU, locked in SKU order so concurrent reservations cannot deadlock
        Map<String, Integer> wanted = new TreeMap<>();
        command.items().forEach(i -> wanted.merge(i.sku(), i.quantity(), Integer::sum));
        Map<String, Integer> available = new TreeMap<>();
        jdbc.sql("select sku, available from inventory.stock where sku = any(?) order by sku for update")
                .param(wanted.keySet().toArray(String[]::new))
                .query((rs, n) -> available.put(rs.getString("sku"), rs.getInt("available")))
                .list();
        List<String> short_ = wanted.entrySet().stream()
                .filter(e -> available.getOrDefault(e.getKey(), 0) < e.getValue())
                .map(Map.Entry::getKey)
                .toList();
        if (!short_.isEmpty()) {
            jdbc.sql("insert into inventory.reservation (order_id, status) values (?, 'rejected')")
                    .param(command.orderId())
                    .update();
            context.send(new StockUnavailable(command.orderId(), "insufficient_stock", short_));
            return;
        }
        jdbc.sql("insert into inventory.reservation (order_id, status) values (?, 'reserved')")
                .param(command.orderId())
                .update();
        List<StockLevelsChanged.Level> levels = new ArrayList<>();
        wanted.forEach((sku, quantity) -> {
            jdbc.sql("insert into inventory.reservation_line (order_id, sku, quantity) values (?, ?, ?)")
                    .params(command.orderId(), sku, quantity)
                    .update();
            levels.add(jdbc.sql("update inventory.stock set available = available - ?, reserved = reserved + ?, "
                            + "version = version + 1 where sku = ? returning sku, available, version")
                    .params(quantity, quantity, sku)
                    .query((rs, n) -> new StockLevelsChanged.Level(rs.getString(1), rs.getInt(2), rs.getLong(3)))
                    .single());
        });
        context.send(new StockReserved(command.orderId()));
        context.send(new StockLevelsChanged(levels));
    }

    void release(ReleaseStock command, MessageContext context) {
        Optional<String> existing = reservationStatus(command.orderId());
        if (existing.isEmpty()) {
            // nothing was reserved; remember the release so a late reservation is refused
            jdbc.sql("insert into inventory.reservation (order_id, status) values (?, 'released')")
                    .param(command.orderId())
                    .update();
            context.send(new StockReleased(command.orderId()));
            return;
        }
        switch (existing.get()) {
            case "reserved" -> {
                List<StockLevelsChanged.Level> levels = moveLines(
                        command.orderId(), "available = available + l.quantity, reserved = reserved - l.quantity");
                setStatus(command.orderId(), "released");
                context.send(new StockReleased(command.orderId()));
                context.send(new StockLevelsChanged(levels));
            }
            case "released", "rejected" -> context.send(new StockReleased(command.orderId()));
            default -> log.warn("Order {} asked to release stock that has shipped; ignored", command.orderId());
        }
    }

    void commit(CommitStock command, MessageContext context) {
        Optional<String> existing = reservationStatus(command.orderId());
        if (existing.isPresent() && existing.get().equals("reserved")) {
            moveLines(command.orderId(), "reserved = reserved - l.quantity, shipped = shipped + l.quantity");
            setStatus(command.orderId(), "shipped");
        } else {
            log.warn("Order {} has no reservation to ship (status {}); ignored", command.orderId(), existing);
        }
    }

    private List<StockLevelsChanged.Level> moveLines(String orderId, String assignments) {
        // assignments are fixed strings from this class, never input
        return jdbc.sql("update inventory.stock s set " + assignments + ", version = s.version + 1 "
                        + "from inventory.reservation_line l where l.order_id = ? and l.sku = s.sku "
                        + "returning s.sku, s.available, s.version")
                .param(orderId)
                .query((rs, n) -> new StockLevelsChanged.Level(rs.getString(1), rs.getInt(2), rs.getLong(3)))
                .list();
    }

    private Optional<String> reservationStatus(String orderId) {
        return jdbc.sql("select status from inventory.reservation where order_id = ? for update")
                .param(orderId)
                .query(String.class)
                .optional();
    }

    private void setStatus(String orderId, String status) {
        jdbc.sql("update inventory.reservation set status = ?, updated_at = now() where order_id = ?")
                .params(status, orderId)
                .update();
    }
}
