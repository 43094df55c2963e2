package io.orderflow.catalog;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.AfterCommit;
import io.orderflow.platform.DegradableDependency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * The catalog's reads through Spring's cache abstraction, in Redis or in this process (Caffeine), every entry living
 * at most {@code orderflow.catalog.cache.ttl}:
 * <ul>
 * <li>{@value #PRICES}: a product per SKU, for pricing orders. Stock changes do not touch it (pricing reads no stock;
 * evicting on every reservation would empty it for exactly the SKUs being ordered), so a price changed in the
 * database is served at most one TTL late;</li>
 * <li>{@value #LISTING}: the product list of {@code GET /api/products}, stock included, evicted after the
 * transaction that applied a stock change commits.</li>
 * </ul>
 * Redis is behind the circuit breaker {@value #BREAKER} and a short timeout: a read it does not answer is a miss,
 * answered from PostgreSQL and counted in {@code orderflow.catalog.cache.fallbacks}; while the breaker is open
 * Redis is not asked at all.
 */
class ProductCache implements DegradableDependency {

    static final String PRICES = "catalog.prices";
    static final String LISTING = "catalog.products";
    static final String BREAKER = "catalog-cache";
    private static final String ALL = "all";
    private static final Logger log = LoggerFactory.getLogger(ProductCache.class);

    private final Cache prices;
    private final Cache listing;
    /** Null for the in-process cache, which cannot fail. */
    private final @Nullable CircuitBreaker breaker;

    private final Duration timeout;
    private final MeterRegistry meters;
    /** A stock change whose eviction did not reach Redis: the listing there may be stale until it is replaced. */
    private final AtomicBoolean listingStale = new AtomicBoolean();

    private volatile boolean lastCallFailed;

    ProductCache(CacheManager caches, @Nullable CircuitBreaker breaker, Duration timeout, MeterRegistry meters) {
        this.prices = requireNonNull(caches.getCache(PRICES), "the catalog's cache manager declares " + PRICES);
        this.listing = requireNonNull(caches.getCache(LISTING), "the catalog's cache manager declares " + LISTING);
        this.breaker = breaker;
        this.timeout = timeout;
        this.meters = meters;
    }

    /**
     * The cached products among {@code skus}; the others are to be read from the database. In Redis one round trip
     * however many SKUs: one {@code GET}, or all of them sent at once (pipelined on the shared connection) and
     * awaited together.
     */
    Map<String, Product> prices(List<String> skus) {
        Map<String, Product> found = new HashMap<>();
        if (breaker == null || skus.size() == 1) {
            for (String sku : skus) {
                Product product = guarded(PRICES, () -> prices.get(sku, Product.class));
                if (product != null) {
                    found.put(sku, product);
                }
            }
            return found;
        }
        // an asynchronous read costs more than a blocking one (measured: ADR 0016), so only where it saves trips
        List<Product> cached = guarded(PRICES, () -> {
            List<CompletableFuture<?>> lookups = new ArrayList<>();
            for (String sku : skus) {
                lookups.add(requireNonNull(prices.retrieve(sku), "a Redis cache answers every key with a future"));
            }
            CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            List<Product> products = new ArrayList<>();
            for (CompletableFuture<?> lookup : lookups) {
                Product product = unwrap(lookup.join());
                if (product != null) {
                    products.add(product);
                }
            }
            return products;
        });
        if (cached != null) {
            cached.forEach(product -> found.put(product.sku(), product));
        }
        return found;
    }

    /** Keeps what the database answered for the SKUs that were not cached. */
    void pricesRead(Collection<Product> products) {
        guarded(PRICES, () -> {
            products.forEach(product -> prices.put(product.sku(), product));
            return Boolean.TRUE;
        });
    }

    /** The cached product list, or null: read the database (and hand the answer to {@link #listingRead}). */
    @Nullable
    List<Product> listing() {
        if (listingStale.get()) {
            return null;
        }
        Product[] cached = guarded(LISTING, () -> listing.get(ALL, Product[].class));
        return cached == null ? null : List.of(cached);
    }

    void listingRead(List<Product> products) {
        boolean stale = listingStale.getAndSet(false);
        Boolean stored = guarded(LISTING, () -> {
            listing.put(ALL, products.toArray(Product[]::new));
            return Boolean.TRUE;
        });
        if (stored == null && stale) {
            listingStale.set(true);
        }
    }

    /**
     * Stock changed in the current transaction: the listing is evicted once it commits, so that a read after the
     * commit cannot be answered from before it. A listing read between the commit and the eviction is put back
     * and lives at most one TTL.
     */
    void stockChanged() {
        AfterCommit.run(this::evictListing);
    }

    private void evictListing() {
        // marked first: a listing read while Redis cannot be told goes to the database and replaces the entry
        listingStale.set(true);
        Boolean evicted = guarded(LISTING, () -> {
            listing.evict(ALL);
            return Boolean.TRUE;
        });
        if (evicted != null) {
            listingStale.set(false);
        }
    }

    /** {@code redis} or {@code caffeine}. */
    String store() {
        return breaker == null ? "caffeine" : "redis";
    }

    /** The breaker's state ({@code closed}, {@code open}, ...); {@code none} for the in-process cache. */
    String breakerState() {
        return breaker == null ? "none" : breaker.getState().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String healthKey() {
        return "catalog_cache";
    }

    /** Up while Redis answered the last call and the breaker is closed; the in-process cache always is. */
    @Override
    public boolean available() {
        return breaker == null || !lastCallFailed && breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    /** Runs a call to Redis through the breaker; null when it failed or was not let through (a fallback). */
    private <T> @Nullable T guarded(String cache, Callable<T> call) {
        CircuitBreaker current = breaker;
        if (current == null) {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException("the in-process cache failed", e);
            }
        }
        try {
            T result = current.executeCallable(call);
            lastCallFailed = false;
            return result;
        } catch (CallNotPermittedException open) {
            fellBack(cache, "open");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fellBack(cache, "interrupted");
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            if (!lastCallFailed) {
                log.warn("Catalog cache in Redis failed ({}); reading PostgreSQL until it answers", e.toString());
            }
            lastCallFailed = true;
            fellBack(cache, "error");
        } catch (Exception e) {
            throw new IllegalStateException("unexpected failure of the catalog cache", e);
        }
        return null;
    }

    private void fellBack(String cache, String reason) {
        Counter.builder("orderflow.catalog.cache.fallbacks")
                .description("Catalog cache calls that went to PostgreSQL (or were skipped) because Redis failed or "
                        + "its breaker was open")
                .tag("cache", cache)
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    private static @Nullable Product unwrap(@Nullable Object value) {
        Object unwrapped = value instanceof Cache.ValueWrapper wrapper ? wrapper.get() : value;
        return unwrapped instanceof Product product ? product : null;
    }
}
