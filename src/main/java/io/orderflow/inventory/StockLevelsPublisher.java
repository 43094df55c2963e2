package io.orderflow.inventory;

import io.orderflow.messaging.Outbox;
import io.orderflow.platform.AfterCommit;
import io.orderflow.platform.PeriodicTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Announces the stock levels to the catalog in batches: one {@link StockLevelsChanged} with the newest level of every
 * SKU whose stock changed since the last one, sent through the outbox in the transaction that marks those levels as
 * sent ({@code inventory.stock.published_version}), so a level is sent exactly when it is marked, and a crash loses
 * none. A change wakes it once its transaction has committed; it then waits {@code linger} for the changes that
 * follow, so a busy shop sends a few batches a second instead of one message per reservation and release. A sweep
 * every {@code sweep-interval}, and one at start-up, sends what a process that stopped between a commit and its batch
 * left unsent (any instance sends any SKU's level; the catalog keeps the newest version of each).
 */
@Component
class StockLevelsPublisher extends PeriodicTask implements StockLevelChanges {

    /** The most levels in one message. */
    static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final Outbox outbox;
    private final TransactionTemplate tx;

    StockLevelsPublisher(
            JdbcClient jdbc,
            Outbox outbox,
            PlatformTransactionManager transactions,
            @Value("${orderflow.inventory.stock-levels.linger:200ms}") Duration linger,
            @Value("${orderflow.inventory.stock-levels.sweep-interval:10s}") Duration sweepInterval) {
        super("stock-levels", sweepInterval, linger);
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.tx = new TransactionTemplate(transactions);
    }

    @Override
    public void changed() {
        AfterCommit.run(this::wake);
    }

    /** Sends one batch of the levels not sent yet; a full batch asks for the next round at once. */
    @Override
    protected boolean runOnce() {
        Integer sent = tx.execute(s -> {
            List<StockLevelsChanged.Level> levels = takeLevels(jdbc, BATCH);
            if (!levels.isEmpty()) {
                outbox.send("inventory", new StockLevelsChanged(levels), null, null);
            }
            return levels.size();
        });
        return sent != null && sent == BATCH;
    }

    /**
     * The levels of the stock rows that changed since their level was last taken, at most {@code limit}, in SKU
     * order, marked as taken by the same statement; rows another transaction holds (a reservation under way) are left
     * for the next batch, which its commit asks for. Run in the transaction that sends them.
     */
    static List<StockLevelsChanged.Level> takeLevels(JdbcClient jdbc, int limit) {
        List<StockLevelsChanged.Level> taken = new ArrayList<>(jdbc.sql("with due as (select sku from inventory.stock "
                        + "where version > published_version order by sku limit ? for update skip locked) "
                        + "update inventory.stock s set published_version = s.version from due where s.sku = due.sku "
                        + "returning s.sku, s.available, s.version")
                .param(limit)
                .query((rs, n) -> new StockLevelsChanged.Level(rs.getString(1), rs.getInt(2), rs.getLong(3)))
                .list());
        taken.sort(Comparator.comparing(StockLevelsChanged.Level::sku)); // "returning" has no order
        return taken;
    }
}
