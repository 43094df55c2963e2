package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.platform.ModuleDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Inventory's rules that live in SQL, on the real PostgreSQL: one reservation per order, all of its items or
 * none, and compensations that fence off a late reservation. Every test uses SKUs and orders of its own.
 */
class InventoryRulesIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("inventory");

    /** How many transactions told the publisher that stock levels changed. */
    final AtomicInteger levelChanges = new AtomicInteger();

    final Inventory inventory = new Inventory(db.jdbc(), levelChanges::incrementAndGet);

    @Nested
    class Reserving {

        @Test
        void holdsEveryItemAndLeavesTheNewLevelsToTheNextBatch() {
            String laptop = sku(5);
            String mouse = sku(3);
            String order = order();
            int changesBefore = levelChanges.get();

            List<Object> replies = reserve(order, item(laptop, 2), item(mouse, 1), item(laptop, 1));

            assertThat(replies).containsExactly(new StockReserved(order));
            assertThat(levelChanges.get()).isEqualTo(changesBefore + 1);
            // in SKU order, the newest level of each
            assertThat(takeLevels(laptop, mouse))
                    .containsExactlyElementsOf(Stream.of(
                                    new StockLevelsChanged.Level(laptop, 2, 1),
                                    new StockLevelsChanged.Level(mouse, 2, 1))
                            .sorted(Comparator.comparing(StockLevelsChanged.Level::sku))
                            .toList());
            assertThat(takeLevels(laptop, mouse)).as("taken once").isEmpty();
            assertThat(stock(laptop)).isEqualTo("available 2, reserved 3, shipped 0");
            assertThat(reservation(order)).isEqualTo("reserved");
        }

        @Test
        void leavesALevelForLaterWhileAnOlderTransactionIsStillOpen() throws Exception {
            String laptop = sku(5);
            takeLevels(laptop);
            try (Connection older = db.dataSource().getConnection()) {
                older.setAutoCommit(false);
                try (Statement statement = older.createStatement()) {
                    statement.execute("select pg_current_xact_id()"); // it has a transaction id, lower than the next
                }
                reserve(order(), item(laptop, 2));

                StockLevelsPublisher.Batch batch = db.inTransaction(() -> StockLevelsPublisher.takeLevels(db.jdbc()));

                // the older one could still commit a change of the same row: the level waits for it
                assertThat(batch.levels())
                        .extracting(StockLevelsChanged.Level::sku)
                        .doesNotContain(laptop);
                assertThat(batch.leftForLater()).isTrue();
                assertThat(unsentLevels()).isPositive();
                older.rollback();
            }
            assertThat(takeLevels(laptop)).containsExactly(new StockLevelsChanged.Level(laptop, 3, 1));
            assertThat(unsentLevels()).isZero();
        }

        @Test
        void refusesAllOrNothingWhenOneItemIsShort() {
            String plenty = sku(10);
            String scarce = sku(1);
            String order = order();

            List<Object> replies = reserve(order, item(plenty, 1), item(scarce, 2));

            assertThat(replies).containsExactly(new StockUnavailable(order, "insufficient_stock", List.of(scarce)));
            assertThat(stock(plenty)).isEqualTo("available 10, reserved 0, shipped 0");
            assertThat(stock(scarce)).isEqualTo("available 1, reserved 0, shipped 0");
            assertThat(reservation(order)).isEqualTo("rejected");
        }

        @Test
        void countsAnUnknownSkuAsShort() {
            String order = order();
            String unknown = "NO-SUCH-" + UUID.randomUUID();

            assertThat(reserve(order, item(unknown, 1)))
                    .containsExactly(new StockUnavailable(order, "insufficient_stock", List.of(unknown)));
        }

        @Test
        void letsOnlyOneOfTwoOrdersRacingForTheLastUnitHaveIt() throws Exception {
            String last = sku(1);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<Object>>> racers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String order = order();
                    racers.add(pool.submit(() -> {
                        start.await();
                        return reserve(order, item(last, 1));
                    }));
                }
                start.countDown();
                List<Class<?>> first = new ArrayList<>();
                for (Future<List<Object>> racer : racers) {
                    first.add(racer.get(20, TimeUnit.SECONDS).get(0).getClass());
                }

                assertThat(first).containsExactlyInAnyOrder(StockReserved.class, StockUnavailable.class);
                assertThat(stock(last)).isEqualTo("available 0, reserved 1, shipped 0");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class DuplicateCommands {

        @Test
        void aRepeatedReservationHoldsNothingMoreAndAnswersReservedAgain() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));

            List<Object> replies = reserve(order, item(laptop, 2));

            assertThat(replies).containsExactly(new StockReserved(order));
            assertThat(stock(laptop)).isEqualTo("available 3, reserved 2, shipped 0");
        }

        @Test
        void aRepeatedReservationAfterARefusalIsRefusedAgainEvenIfStockArrivedSince() {
            String scarce = sku(0);
            String order = order();
            reserve(order, item(scarce, 1));
            db.jdbc()
                    .sql("update inventory.stock set available = 5 where sku = ?")
                    .param(scarce)
                    .update();

            List<Object> replies = reserve(order, item(scarce, 1));

            assertThat(replies).containsExactly(new StockUnavailable(order, "reservation_rejected", List.of()));
            assertThat(stock(scarce)).isEqualTo("available 5, reserved 0, shipped 0");
        }

        @Test
        void aRepeatedCommitShipsTheItemsOnce() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));

            commit(order);
            commit(order);

            assertThat(stock(laptop)).isEqualTo("available 3, reserved 0, shipped 2");
            assertThat(reservation(order)).isEqualTo("shipped");
        }

        @Test
        void aShipmentLeavesTheAvailableLevelAndSendsNothing() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));
            assertThat(takeLevels(laptop)).containsExactly(new StockLevelsChanged.Level(laptop, 3, 1));

            commit(order);

            assertThat(takeLevels(laptop))
                    .as("the catalog's level has not changed")
                    .isEmpty();
            assertThat(stock(laptop)).isEqualTo("available 3, reserved 0, shipped 2");
        }
    }

    @Nested
    class Compensation {

        @Test
        void aReleaseGivesTheItemsBack() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));

            List<Object> replies = release(order);

            assertThat(replies).containsExactly(new StockReleased(order));
            assertThat(takeLevels(laptop)).containsExactly(new StockLevelsChanged.Level(laptop, 5, 2));
            assertThat(stock(laptop)).isEqualTo("available 5, reserved 0, shipped 0");
            assertThat(reservation(order)).isEqualTo("released");
        }

        @Test
        void aReleaseAfterAnUnsentReservationLeavesOnlyTheNewestLevels() {
            String first = sku(5);
            String second = sku(4);
            String third = sku(3);
            String order = order();
            reserve(order, item(third, 1), item(first, 2), item(second, 3));

            release(order);

            assertThat(takeLevels(first, second, third))
                    .containsExactlyInAnyOrder(
                            new StockLevelsChanged.Level(first, 5, 2),
                            new StockLevelsChanged.Level(second, 4, 2),
                            new StockLevelsChanged.Level(third, 3, 2))
                    .extracting(StockLevelsChanged.Level::sku)
                    .isSorted();
            assertThat(stock(first)).isEqualTo("available 5, reserved 0, shipped 0");
            assertThat(stock(second)).isEqualTo("available 4, reserved 0, shipped 0");
            assertThat(stock(third)).isEqualTo("available 3, reserved 0, shipped 0");
        }

        @Test
        void aSecondReleaseGivesNothingBackAgainAndAnswersReleased() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));
            release(order);

            List<Object> replies = release(order);

            assertThat(replies).containsExactly(new StockReleased(order));
            assertThat(stock(laptop)).isEqualTo("available 5, reserved 0, shipped 0");
        }

        @Test
        void aReleaseOfARefusedReservationHasNothingToGiveBack() {
            String scarce = sku(0);
            String order = order();
            reserve(order, item(scarce, 1));

            assertThat(release(order)).containsExactly(new StockReleased(order));
            assertThat(reservation(order)).isEqualTo("rejected");
        }

        @Test
        void aReleaseBeforeTheReservationFencesItOff() {
            String laptop = sku(5);
            String order = order();

            assertThat(release(order)).containsExactly(new StockReleased(order));
            List<Object> late = reserve(order, item(laptop, 2));

            assertThat(late).containsExactly(new StockUnavailable(order, "reservation_released", List.of()));
            assertThat(stock(laptop)).isEqualTo("available 5, reserved 0, shipped 0");
        }

        @Test
        void aReleaseAfterShippingChangesNothingAndAnswersNothing() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));
            commit(order);

            assertThat(release(order)).isEmpty();
            assertThat(stock(laptop)).isEqualTo("available 3, reserved 0, shipped 2");
            assertThat(reservation(order)).isEqualTo("shipped");
        }

        @Test
        void aCommitOfAReleasedReservationShipsNothing() {
            String laptop = sku(5);
            String order = order();
            reserve(order, item(laptop, 2));
            release(order);

            commit(order);

            assertThat(stock(laptop)).isEqualTo("available 5, reserved 0, shipped 0");
            assertThat(reservation(order)).isEqualTo("released");
        }
    }

    @Test
    void shipsAndReleasesLockingTheStockRowsInSkuOrderAsReservingDoes() throws Exception {
        for (boolean ship : List.of(true, false)) {
            List<String> skus = Stream.of("SKU-" + UUID.randomUUID(), "SKU-" + UUID.randomUUID())
                    .sorted()
                    .toList();
            String first = skus.get(0);
            String second = skus.get(1);
            insertSku(second, 5);
            insertSku(first, 5);
            String order = order();
            reserve(order, item(second, 1), item(first, 1));
            // a row's newest version goes to the end of the table: another change of the first SKU puts it last
            db.jdbc()
                    .sql("update inventory.stock set version = version where sku = ?")
                    .param(first)
                    .update();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (Connection holder = db.dataSource().getConnection();
                    Connection prober = db.dataSource().getConnection()) {
                holder.setAutoCommit(false);
                try (PreparedStatement lock =
                        holder.prepareStatement("select 1 from inventory.stock where sku = ? for update")) {
                    lock.setString(1, second);
                    lock.executeQuery().close();
                }
                Future<?> moving = pool.submit(() -> db.inTransaction(() -> {
                    // the plan of a large table: the rows scanned and hashed rather than looked up by index, in order
                    for (String planner : List.of("nestloop", "mergejoin", "indexscan", "bitmapscan")) {
                        db.jdbc().sql("set local enable_" + planner + " = off").update();
                    }
                    if (ship) {
                        inventory.commit(new CommitStock(order));
                    } else {
                        inventory.release(new ReleaseStock(order));
                    }
                }));
                awaitWaitingForALock(prober);

                // it waits for the second SKU's row, holding the first's: the order a reservation takes them in
                prober.setAutoCommit(false);
                try (PreparedStatement probe =
                        prober.prepareStatement("select 1 from inventory.stock where sku = ? for update nowait")) {
                    probe.setString(1, first);
                    assertThatThrownBy(probe::executeQuery)
                            .as(ship ? "shipping" : "releasing")
                            .isInstanceOf(SQLException.class)
                            .hasFieldOrPropertyWithValue("SQLState", "55P03"); // lock_not_available
                }
                prober.rollback();
                holder.rollback();
                moving.get(20, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            String expected = ship ? "available 4, reserved 0, shipped 1" : "available 5, reserved 0, shipped 0";
            assertThat(stock(first)).isEqualTo(expected);
            assertThat(stock(second)).isEqualTo(expected);
        }
    }

    /** Until another session of this database waits for a row lock (at most 20 s). */
    private static void awaitWaitingForALock(Connection connection) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (PreparedStatement waiting =
                connection.prepareStatement("select count(*) from pg_stat_activity where datname = current_database() "
                        + "and wait_event_type = 'Lock' and query like '%reservation_line%'")) {
            while (true) {
                try (ResultSet rs = waiting.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                assertThat(System.nanoTime())
                        .as("a session waiting for a row lock")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    @Test
    void storesEveryStateTheSchemaAllows() {
        for (ReservationState state : ReservationState.values()) {
            String order = order();
            db.jdbc()
                    .sql("insert into inventory.reservation (order_id, status) values (?, ?)")
                    .params(order, state.dbName())
                    .update();
            assertThat(ReservationState.fromDb(reservation(order))).isSameAs(state);
        }
    }

    /**
     * The unsent levels of {@code skus}, taken as the publisher takes them (other tests' SKUs are taken and dropped).
     * A batch leaves for later what a transaction still open elsewhere on the server may precede: this takes batches
     * until none is left (at most 10 s), as the publisher's wake-ups would.
     */
    private List<StockLevelsChanged.Level> takeLevels(String... skus) {
        List<String> mine = List.of(skus);
        List<StockLevelsChanged.Level> taken = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            StockLevelsPublisher.Batch batch = db.inTransaction(() -> StockLevelsPublisher.takeLevels(db.jdbc()));
            batch.levels().stream().filter(level -> mine.contains(level.sku())).forEach(taken::add);
            if (!batch.leftForLater() || System.nanoTime() > deadline) {
                return taken;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** The checker's count of levels not sent yet. */
    private static long unsentLevels() {
        return db.jdbc()
                .sql("select count(*) from inventory.stock "
                        + "where changed_tx >= (select sent_below from inventory.stock_levels_cursor)")
                .query(Long.class)
                .single();
    }

    private List<Object> reserve(String order, ReserveStock.Item... items) {
        return db.inTransaction(() -> inventory.reserve(new ReserveStock(order, List.of(items))));
    }

    private List<Object> release(String order) {
        return db.inTransaction(() -> inventory.release(new ReleaseStock(order)));
    }

    private void commit(String order) {
        db.inTransaction(() -> inventory.commit(new CommitStock(order)));
    }

    private static ReserveStock.Item item(String sku, int quantity) {
        return new ReserveStock.Item(sku, quantity);
    }

    private static String order() {
        return "order-" + UUID.randomUUID();
    }

    /** A SKU of this test's own with {@code available} units in stock. */
    private static String sku(int available) {
        String sku = "SKU-" + UUID.randomUUID();
        insertSku(sku, available);
        return sku;
    }

    private static void insertSku(String sku, int available) {
        db.jdbc()
                .sql("insert into inventory.stock (sku, available) values (?, ?)")
                .params(sku, available)
                .update();
    }

    private static String stock(String sku) {
        return db.jdbc()
                .sql("select 'available ' || available || ', reserved ' || reserved || ', shipped ' || shipped "
                        + "from inventory.stock where sku = ?")
                .param(sku)
                .query(String.class)
                .single();
    }

    private static String reservation(String order) {
        return db.jdbc()
                .sql("select status from inventory.reservation where order_id = ?")
                .param(order)
                .query(String.class)
                .single();
    }
}
