package io.orderflow.catalog;

import static io.orderflow.catalog.CatalogFixtures.LAPTOP;
import static io.orderflow.catalog.CatalogFixtures.MOUSE;
import static io.orderflow.catalog.CatalogFixtures.anOrderOf;
import static io.orderflow.catalog.CatalogFixtures.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.inventory.StockLevelsChanged;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.cache.support.SimpleCacheManager;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The catalog's reads through its cache (the in-process one, on a clock turned by hand), over a product table that
 * counts the statements it is asked: a second read costs no statement, a stock change evicts the listing once its
 * transaction commits, no price older than the TTL is served, and a failing cache falls through to the table.
 */
class CatalogCacheUnitTest {

    static final Duration TTL = Duration.ofSeconds(30);

    final ProductTable table = new ProductTable();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Catalog catalog =
            new Catalog(table.client(), new ProductCache(CatalogCaches.inProcess(TTL, nanos::get), null, TTL, meters));

    @BeforeEach
    void shop() {
        table.insert(LAPTOP);
        table.insert(MOUSE);
    }

    @AfterEach
    void noTransactionLeftOpen() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void servesASecondListingWithoutTheDatabase() {
        assertThat(catalog.products()).extracting(Product::sku).containsExactly("PROD-001", "PROD-002");
        assertThat(catalog.products()).extracting(Product::sku).containsExactly("PROD-001", "PROD-002");

        assertThat(table.selects).hasSize(1);
    }

    @Test
    void pricesASecondOrderWithoutTheDatabaseAndReadsOnlyTheSkusNotCached() {
        assertThat(catalog.validate(anOrderOf(item(1, LAPTOP)))).isInstanceOf(OrderValidated.class);
        assertThat(catalog.validate(anOrderOf(item(2, LAPTOP)))).isInstanceOf(OrderValidated.class);
        assertThat(table.selects).hasSize(1);

        assertThat(catalog.validate(anOrderOf(item(1, LAPTOP), item(1, MOUSE)))).isInstanceOf(OrderValidated.class);
        assertThat(table.selects).hasSize(2);
        assertThat(table.lastParams).containsExactly("PROD-002");
    }

    @Test
    void evictsTheListingWhenTheStockChangeCommitsNotBefore() {
        assertThat(available("PROD-002")).isEqualTo(100);

        TransactionSynchronizationManager.initSynchronization();
        catalog.updateStock(new StockLevelsChanged(List.of(new StockLevelsChanged.Level("PROD-002", 97, 1))));
        // not committed yet: another reader may still see the listing as it was
        assertThat(available("PROD-002")).isEqualTo(100);
        List<TransactionSynchronization> committed = TransactionSynchronizationManager.getSynchronizations();
        TransactionSynchronizationManager.clearSynchronization();
        committed.forEach(TransactionSynchronization::afterCommit);

        assertThat(available("PROD-002")).isEqualTo(97);
        assertThat(table.selects).hasSize(2);
    }

    @Test
    void aStaleStockEventChangesNothingAndEvictsNothing() {
        catalog.updateStock(new StockLevelsChanged(List.of(new StockLevelsChanged.Level("PROD-002", 97, 5))));
        assertThat(available("PROD-002")).isEqualTo(97);

        catalog.updateStock(new StockLevelsChanged(List.of(new StockLevelsChanged.Level("PROD-002", 99, 4))));

        assertThat(available("PROD-002")).isEqualTo(97);
        assertThat(table.selects).hasSize(1);
    }

    @Test
    void neverServesAPriceOlderThanTheTtl() {
        assertThat(unitPrice(catalog.validate(anOrderOf(item(1, MOUSE))))).isEqualByComparingTo("29.99");
        table.reprice("PROD-002", "24.99");

        nanos.addAndGet(TTL.minusMillis(1).toNanos());
        assertThat(unitPrice(catalog.validate(anOrderOf(item(1, MOUSE))))).isEqualByComparingTo("29.99");
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(unitPrice(catalog.validate(anOrderOf(item(1, MOUSE))))).isEqualByComparingTo("24.99");
    }

    @Test
    void doesNotRememberAnUnknownSku() {
        assertThat(catalog.validate(anOrderOf(item(1, "PROD-777")))).isInstanceOf(OrderRejected.class);

        table.insert(CatalogFixtures.product("PROD-777", "Lamp", "19.99", "USD"));

        assertThat(catalog.validate(anOrderOf(item(1, "PROD-777")))).isInstanceOf(OrderValidated.class);
    }

    @Test
    void aFailingCacheIsReadAroundCountedAndThenSkippedByItsBreaker() {
        CircuitBreaker breaker = CircuitBreaker.of(
                "test",
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(4)
                        .minimumNumberOfCalls(4)
                        .waitDurationInOpenState(Duration.ofMinutes(1))
                        .build());
        ProductCache failing = new ProductCache(failingCaches(), breaker, Duration.ofMillis(100), meters);
        Catalog withoutCache = new Catalog(table.client(), failing);

        for (int i = 0; i < 3; i++) {
            assertThat(withoutCache.products()).hasSize(2);
            assertThat(unitPrice(withoutCache.validate(anOrderOf(item(1, LAPTOP)))))
                    .isEqualByComparingTo("999.99");
        }

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(failing.available()).isFalse();
        assertThat(meters.get("orderflow.catalog.cache.fallbacks")
                        .tag("reason", "error")
                        .counters())
                .isNotEmpty();
        assertThat(meters.get("orderflow.catalog.cache.fallbacks")
                        .tag("reason", "open")
                        .counter()
                        .count())
                .isPositive();
        assertThat(table.selects).hasSize(6);
    }

    private int available(String sku) {
        return catalog.products().stream()
                .filter(p -> p.sku().equals(sku))
                .findFirst()
                .orElseThrow()
                .available();
    }

    private static BigDecimal unitPrice(ValidationReply reply) {
        return ((OrderValidated) reply).items().get(0).unitPrice();
    }

    /** Caches like a Redis that is down: every call fails. */
    private static CacheManager failingCaches() {
        SimpleCacheManager caches = new SimpleCacheManager();
        caches.setCaches(List.of(new Down(ProductCache.PRICES), new Down(ProductCache.LISTING)));
        caches.afterPropertiesSet();
        return caches;
    }

    static final class Down extends ConcurrentMapCache {

        Down(String name) {
            super(name);
        }

        @Override
        protected Object lookup(Object key) {
            throw new IllegalStateException("Redis is down");
        }

        @Override
        public CompletableFuture<?> retrieve(Object key) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
        }

        @Override
        public void put(Object key, Object value) {
            throw new IllegalStateException("Redis is down");
        }

        @Override
        public void evict(Object key) {
            throw new IllegalStateException("Redis is down");
        }
    }

    /**
     * catalog.product as the three statements of {@code Catalog} see it, behind a {@link JdbcClient} made of one
     * proxy: it records each select and the parameters of the last.
     */
    static final class ProductTable {

        final Map<String, Product> rows = new TreeMap<>();
        final Map<String, Long> versions = new TreeMap<>();
        final List<String> selects = new ArrayList<>();
        List<Object> lastParams = List.of();

        void insert(Product product) {
            rows.put(product.sku(), product);
            versions.put(product.sku(), 0L);
        }

        void reprice(String sku, String price) {
            Product p = rows.get(sku);
            rows.put(
                    sku,
                    new Product(sku, p.name(), p.description(), new BigDecimal(price), p.currency(), p.available()));
        }

        JdbcClient client() {
            return (JdbcClient) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {JdbcClient.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("sql")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        return statement((String) args[0]);
                    });
        }

        private Object statement(String sql) {
            List<Object> params = new ArrayList<>();
            return Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {JdbcClient.StatementSpec.class, JdbcClient.MappedQuerySpec.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "param" -> {
                            params.add(args[0]);
                            yield proxy;
                        }
                        case "params" -> {
                            params.addAll(Arrays.asList((Object[]) args[0]));
                            yield proxy;
                        }
                        case "query" -> proxy;
                        case "list" -> select(sql, params);
                        case "stream" -> select(sql, params).stream();
                        case "update" -> update(params);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private List<Product> select(String sql, List<Object> params) {
            selects.add(sql);
            if (sql.contains("order by sku")) {
                lastParams = List.of();
                return List.copyOf(rows.values());
            }
            lastParams = Arrays.asList((Object[]) params.get(0));
            return lastParams.stream().map(rows::get).filter(p -> p != null).toList();
        }

        /**
         * {@code update ... set available = l.available, stock_version = l.version from unnest(skus, available,
         * versions) as l ... where p.sku = l.sku and p.stock_version < l.version}, after the SKUs to lock.
         */
        private int update(List<Object> params) {
            String[] skus = (String[]) params.get(1);
            Integer[] available = (Integer[]) params.get(2);
            Long[] newVersions = (Long[]) params.get(3);
            int changed = 0;
            for (int i = 0; i < skus.length; i++) {
                Product p = rows.get(skus[i]);
                if (p == null || versions.get(skus[i]) >= newVersions[i]) {
                    continue;
                }
                versions.put(skus[i], newVersions[i]);
                rows.put(
                        skus[i],
                        new Product(skus[i], p.name(), p.description(), p.price(), p.currency(), available[i]));
                changed++;
            }
            return changed;
        }
    }
}
