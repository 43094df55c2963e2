package io.orderflow.inventory;

import static io.orderflow.inventory.ReservationState.REJECTED;
import static io.orderflow.inventory.ReservationState.RELEASED;
import static io.orderflow.inventory.ReservationState.RESERVED;
import static io.orderflow.inventory.ReservationState.SHIPPED;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Every operation is idempotent per order: a repeated command answers with the outcome already recorded,
 * so redelivery or a re-sent command can never reserve, release or ship twice. Each returns the messages it
 * answers with, for the caller to send in the same transaction.
 */
@Component
class Inventory {

    private static final Logger log = LoggerFactory.getLogger(Inventory.class);

    private final JdbcClient jdbc;
    private final StockLevelChanges levels;

    Inventory(JdbcClient jdbc, StockLevelChanges levels) {
        this.jdbc = jdbc;
        this.levels = levels;
    }

    List<Object> reserve(ReserveStock command) {
        Optional<ReservationState> existing = reservationState(command.orderId());
        if (existing.isPresent()) {
            return List.of(existing.get().answerToRepeatedReserve(command.orderId()));
        }
        StockRequest wanted = StockRequest.of(command.items());
        Map<String, Integer> available = new HashMap<>();
        jdbc.sql("select sku, available from inventory.stock where sku = any(?) order by sku for update")
                .param(wanted.skus())
                .query((rs, n) -> available.put(rs.getString("sku"), rs.getInt("available")))
                .list();
        List<String> short_ = wanted.shortOf(available);
        if (!short_.isEmpty()) {
            insertReservation(command.orderId(), REJECTED);
            return List.of(new StockUnavailable(command.orderId(), "insufficient_stock", short_));
        }
        // one statement for the reservation and all its lines: the stock rows are locked already (above, in SKU
        // order), so updating them together takes no lock another reservation could hold in a different order
        jdbc.sql("with reservation as (insert into inventory.reservation (order_id, status) values (?, ?)), "
                        + "line as (insert into inventory.reservation_line (order_id, sku, quantity) "
                        + "select ?, w.sku, w.quantity from unnest(?::text[], ?::int[]) as w(sku, quantity) "
                        + "returning sku, quantity) "
                        + "update inventory.stock s set available = s.available - line.quantity, "
                        + "reserved = s.reserved + line.quantity, version = s.version + 1, "
                        + "changed_tx = pg_current_xact_id() "
                        + "from line where s.sku = line.sku")
                .params(command.orderId(), RESERVED.dbName(), command.orderId(), wanted.skus(), wanted.amounts())
                .update();
        levels.changed();
        return List.of(new StockReserved(command.orderId()));
    }

    List<Object> release(ReleaseStock command) {
        Optional<ReservationState> existing = reservationState(command.orderId());
        if (existing.isEmpty()) {
            // nothing was reserved; remember the release so a late reservation is refused
            insertReservation(command.orderId(), RELEASED);
            return List.of(new StockReleased(command.orderId()));
        }
        return switch (existing.get()) {
            case RESERVED -> {
                moveLines(
                        command.orderId(),
                        RELEASED,
                        "available = available + l.quantity, reserved = reserved - l.quantity, "
                                + "version = s.version + 1, changed_tx = pg_current_xact_id()");
                levels.changed();
                yield List.of(new StockReleased(command.orderId()));
            }
            case RELEASED, REJECTED -> List.of(new StockReleased(command.orderId()));
            case SHIPPED -> {
                log.warn("Order {} asked to release stock that has shipped; ignored", command.orderId());
                yield List.of();
            }
        };
    }

    void commit(CommitStock command) {
        Optional<ReservationState> existing = reservationState(command.orderId());
        if (existing.isPresent() && existing.get() == RESERVED) {
            // the available level stays as it is: nothing for the catalog, so neither its version nor changed_tx move
            moveLines(command.orderId(), SHIPPED, "reserved = reserved - l.quantity, shipped = shipped + l.quantity");
        } else {
            log.warn("Order {} has no reservation to ship (state {}); ignored", command.orderId(), existing);
        }
    }

    /**
     * Moves the order's reserved lines ({@code assignments}, on the stock rows) and sets its reservation's state to
     * {@code state}, in one statement. A change of the available level also moves the row's {@code version} and
     * {@code changed_tx}, so the stock-levels publisher sends it.
     *
     * <p>The stock rows are locked first, in SKU order, as {@link #reserve} locks them: updated in the join's order,
     * a shipment and a reservation sharing two SKUs could each hold one and wait for the other, a deadlock that cost
     * one of them a retry.
     */
    private void moveLines(String orderId, ReservationState state, String assignments) {
        // assignments are fixed strings from this class, never input
        jdbc.sql("with state as (update inventory.reservation set status = ?, updated_at = now() where order_id = ?), "
                        + "l as materialized (select s.sku, l.quantity from inventory.reservation_line l "
                        + "join inventory.stock s on s.sku = l.sku where l.order_id = ? order by s.sku for update of s) "
                        + "update inventory.stock s set " + assignments + " from l where l.sku = s.sku")
                .params(state.dbName(), orderId, orderId)
                .update();
    }

    private Optional<ReservationState> reservationState(String orderId) {
        return jdbc.sql("select status from inventory.reservation where order_id = ? for update")
                .param(orderId)
                .query(String.class)
                .optional()
                .map(ReservationState::fromDb);
    }

    private void insertReservation(String orderId, ReservationState state) {
        jdbc.sql("insert into inventory.reservation (order_id, status) values (?, ?)")
                .params(orderId, state.dbName())
                .update();
    }
}
