package io.orderflow.peer.inventory;

import io.orderflow.peer.events.Events.Line;
import io.orderflow.peer.events.Events.OrderPlaced;
import io.orderflow.peer.events.Events.PaymentDeclined;
import io.orderflow.peer.events.Events.ShippingFailed;
import io.orderflow.peer.events.Events.StockRejected;
import io.orderflow.peer.events.Events.StockReserved;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;

/** The inventory module: reserves an order's stock, all lines or none, and releases it when the order fails later. */
@Service
public class Inventory {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Inventory(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @ApplicationModuleListener
    void on(OrderPlaced order) {
        if (jdbc.sql("select count(*) from reservation where order_id = ?")
                        .param(order.orderId())
                        .query(Integer.class)
                        .single()
                > 0) {
            return; // delivered again after a restart: reserved already
        }
        // rows locked in SKU order, so two orders with the same SKUs cannot deadlock
        List<Line> lines =
                order.lines().stream().sorted(Comparator.comparing(Line::sku)).toList();
        Map<String, Integer> available = new HashMap<>();
        jdbc.sql("select sku, available from stock where sku = any(?) order by sku for update")
                .param(lines.stream().map(Line::sku).toArray(String[]::new))
                .query(rs -> {
                    available.put(rs.getString(1), rs.getInt(2));
                });
        for (Line line : lines) {
            if (available.getOrDefault(line.sku(), 0) < line.quantity()) {
                events.publishEvent(new StockRejected(order.orderId(), "out of stock: " + line.sku()));
                return;
            }
        }
        for (Line line : lines) {
            jdbc.sql("update stock set available = available - ? where sku = ?")
                    .params(line.quantity(), line.sku())
                    .update();
            jdbc.sql("insert into reservation (order_id, sku, quantity) values (?, ?, ?)")
                    .params(order.orderId(), line.sku(), line.quantity())
                    .update();
        }
        events.publishEvent(new StockReserved(order.orderId(), order.total(), order.cardToken(), order.country()));
    }

    @ApplicationModuleListener
    void on(PaymentDeclined event) {
        release(event.orderId());
    }

    @ApplicationModuleListener
    void on(ShippingFailed event) {
        release(event.orderId());
    }

    /** Gives an order's reserved units back, once. */
    private void release(String orderId) {
        List<Map.Entry<String, Integer>> released = jdbc
                .sql("update reservation set released = true where order_id = ? and not released "
                        + "returning sku, quantity")
                .param(orderId)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .list()
                .stream()
                .sorted(Map.Entry.comparingByKey())
                .toList();
        for (Map.Entry<String, Integer> line : released) {
            jdbc.sql("update stock set available = available + ? where sku = ?")
                    .params(line.getValue(), line.getKey())
                    .update();
        }
    }
}
