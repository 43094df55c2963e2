package io.orderflow.inventory;

import io.orderflow.messaging.Outbox;
import io.orderflow.platform.AfterCommit;
import io.orderflow.platform.PeriodicTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Announces the stock levels to the catalog in batches: one {@link StockLevelsChanged} with the newest level of every
 * SKU whose stock changed since the last one, sent through the outbox in the transaction that moves the publisher's
 * cursor past them, so a level is sent exactly when the cursor passes it, and a crash loses none.
 *
 * <p>Each stock row remembers the transaction that last changed its version ({@code inventory.stock.changed_tx}, set
 * by every statement of {@link Inventory} that changes it), and {@code inventory.stock_levels_cursor} says below which
 * transaction every level has been sent. A batch locks the cursor (one batch at a time, across instances), reads the
 * rows changed at or after it by transactions that have all finished (below its snapshot's oldest running
 * transaction), sends them and moves the cursor to that horizon: one row written per batch, none of the stock rows,
 * which stay free for reservations. A row changed by a transaction that was still running, or behind one, is left for
 * a later batch.
 *
 * <p>A change wakes it once its transaction has committed; it then waits {@code linger} for the changes that follow,
 * so a busy shop sends a few batches a second instead of one message per reservation and release. A sweep every
 * {@code sweep-interval}, and one at start-up, sends what a process that stopped between a commit and its batch left
 * unsent (any instance sends any SKU's level; the catalog keeps the newest version of each).
 */
@Component
class StockLevelsPublisher extends PeriodicTask implements StockLevelChanges {

    /** The most levels in one message; a batch that holds more sends several. */
    static final int MESSAGE_SIZE = 500;

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

    /** Sends the levels not sent yet; when some were left for later, asks for another round after the linger. */
    @Override
    protected boolean runOnce() {
        Batch batch = tx.execute(s -> {
            Batch taken = takeLevels(jdbc);
            for (int i = 0; i < taken.levels().size(); i += MESSAGE_SIZE) {
                List<StockLevelsChanged.Level> part =
                        taken.levels().subList(i, Math.min(taken.levels().size(), i + MESSAGE_SIZE));
                outbox.send("inventory", new StockLevelsChanged(List.copyOf(part)), null, null);
            }
            return taken;
        });
        if (batch != null && batch.leftForLater()) {
            wake(); // a transaction still open held some back: look again after the linger, not at once
        }
        return false;
    }

    /**
     * The levels taken by one batch, in SKU order, and whether rows changed by transactions that had not all finished
     * were left for a later one.
     */
    record Batch(List<StockLevelsChanged.Level> levels, boolean leftForLater) {}

    /**
     * Takes the levels changed since the cursor by finished transactions, in SKU order, and moves the cursor past
     * them. Run in the transaction that sends them: it holds the cursor's lock until that commits.
     */
    static Batch takeLevels(JdbcClient jdbc) {
        String from = jdbc.sql("select sent_below::text from inventory.stock_levels_cursor for update")
                .query(String.class)
                .single();
        // one statement, one snapshot: every transaction below its oldest running one has finished, and its
        // changes are visible to this read; a row at or above that horizon was changed by one that may not have
        record Row(StockLevelsChanged.Level level, boolean settled, String horizon) {}
        List<Row> rows = jdbc.sql("select sku, available, version, changed_tx < h.horizon as settled, "
                        + "h.horizon::text as horizon from inventory.stock, "
                        + "(select pg_snapshot_xmin(pg_current_snapshot()) as horizon) h "
                        + "where changed_tx >= ?::xid8 order by sku")
                .param(from)
                .query((rs, n) -> new Row(
                        new StockLevelsChanged.Level(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                        rs.getBoolean(4),
                        rs.getString(5)))
                .list();
        List<StockLevelsChanged.Level> settled = new ArrayList<>();
        for (Row row : rows) {
            if (row.settled()) {
                settled.add(row.level());
            }
        }
        if (!settled.isEmpty()) {
            jdbc.sql("update inventory.stock_levels_cursor set sent_below = greatest(sent_below, ?::xid8)")
                    .param(rows.get(0).horizon())
                    .update();
        }
        return new Batch(settled, settled.size() < rows.size());
    }
}
