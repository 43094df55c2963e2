package io.orderflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.inventory.StockLevelsChanged;
import io.orderflow.platform.ModuleDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog's copy of the stock levels, on the real PostgreSQL: a change's levels are applied in one statement, the
 * newest version of a SKU wins whatever order the changes arrive in, and consumers applying changes of the same SKUs
 * at once neither deadlock nor lose the newest level. Every test uses SKUs of its own.
 */
class CatalogStockIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("catalog");

    static final Duration TTL = Duration.ofSeconds(30);

    final Catalog catalog = new Catalog(
            db.jdbc(),
            new ProductCache(CatalogCaches.inProcess(TTL, System::nanoTime), null, TTL, new SimpleMeterRegistry()));

    @Test
    void appliesEveryLevelOfAChange() {
        String laptop = product();
        String mouse = product();

        apply(level(mouse, 7, 1), level(laptop, 3, 1));

        assertThat(stock(laptop)).isEqualTo("available 3, version 1");
        assertThat(stock(mouse)).isEqualTo("available 7, version 1");
    }

    @Test
    void keepsTheNewestVersionOfEachSkuWhateverOrderTheChangesArriveIn() {
        String laptop = product();
        String mouse = product();
        apply(level(laptop, 5, 5), level(mouse, 9, 1));

        // late: an older level of the laptop, a newer one of the mouse, in one change
        apply(level(laptop, 4, 4), level(mouse, 8, 2));

        assertThat(stock(laptop)).isEqualTo("available 5, version 5");
        assertThat(stock(mouse)).isEqualTo("available 8, version 2");
    }

    @Test
    void aChangeThatNamesASkuTwiceKeepsItsNewestLevel() {
        String laptop = product();

        apply(level(laptop, 2, 3), level(laptop, 1, 4), level(laptop, 6, 2));

        assertThat(stock(laptop)).isEqualTo("available 1, version 4");
    }

    @Test
    void aChangeOfAnUnknownSkuChangesNothing() {
        String laptop = product();

        apply(level("NO-SUCH-" + UUID.randomUUID(), 1, 1), level(laptop, 2, 1));

        assertThat(stock(laptop)).isEqualTo("available 2, version 1");
    }

    @Test
    void consumersApplyingChangesOfTheSameSkusAtOnceEndAtTheNewestLevels() throws Exception {
        List<String> skus = List.of(product(), product(), product(), product());
        int changes = 200;
        List<StockLevelsChanged> all = new ArrayList<>();
        for (int version = 1; version <= changes; version++) {
            List<StockLevelsChanged.Level> levels = new ArrayList<>();
            for (String sku : skus) {
                levels.add(level(sku, 1000 - version, version));
            }
            Collections.shuffle(levels, new Random(version)); // each change names the SKUs in another order
            all.add(new StockLevelsChanged(levels));
        }
        Collections.shuffle(all, new Random(42)); // and they arrive out of order
        ExecutorService consumers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                List<StockLevelsChanged> mine = all.subList(c * changes / 4, (c + 1) * changes / 4);
                done.add(consumers.submit(
                        () -> mine.forEach(change -> db.inTransaction(() -> catalog.updateStock(change)))));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // a deadlock fails its transaction, and this with it
            }
        } finally {
            consumers.shutdownNow();
        }

        for (String sku : skus) {
            assertThat(stock(sku)).isEqualTo("available " + (1000 - changes) + ", version " + changes);
        }
    }

    private void apply(StockLevelsChanged.Level... levels) {
        db.inTransaction(() -> catalog.updateStock(new StockLevelsChanged(List.of(levels))));
    }

    private static StockLevelsChanged.Level level(String sku, int available, long version) {
        return new StockLevelsChanged.Level(sku, available, version);
    }

    private static String product() {
        String sku = "SKU-" + UUID.randomUUID();
        db.jdbc()
                .sql(
                        "insert into catalog.product (sku, name, price, currency, available) values (?, 'Test', 1.00, 'USD', 0)")
                .param(sku)
                .update();
        return sku;
    }

    private static String stock(String sku) {
        return db.jdbc()
                .sql(
                        "select 'available ' || available || ', version ' || stock_version from catalog.product where sku = ?")
                .param(sku)
                .query(String.class)
                .single();
    }
}
