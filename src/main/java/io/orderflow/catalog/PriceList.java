package io.orderflow.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's whole listing, read ahead of the orders that need it and kept with the products read for single
 * orders ({@link RemotePricing}). Each new order asks {@link #readIfDue}: when the last read is {@code every} old (half
 * the products' TTL, so that a busy shop's kept products are read again before they expire), one read starts on the
 * executor and the order goes on with what is kept. Nothing is read while no order comes in. A read that fails is
 * tried again {@code every} later, and counts against the catalog's breaker like an order's own ask.
 *
 * <p>A catalog that lists more products than can be kept is not read whole again: its orders ask for their own SKUs.
 */
final class PriceList implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PriceList.class);

    private final Supplier<List<Product>> readAll;
    private final Cache<String, Product> kept;
    private final long everyNanos;
    private final CircuitBreaker breaker;
    private final Ticker ticker;
    private final Executor executor;
    private final Runnable shutdown;
    private final Timer read;
    private final Timer failed;
    /** When the next read is due, by the ticker. */
    private final AtomicLong due = new AtomicLong();

    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile boolean tooLarge;

    PriceList(
            Supplier<List<Product>> readAll,
            Cache<String, Product> kept,
            Duration every,
            CircuitBreaker breaker,
            MeterRegistry meters,
            Ticker ticker,
            Executor executor,
            Runnable shutdown) {
        this.readAll = readAll;
        this.kept = kept;
        this.everyNanos = every.toNanos();
        this.breaker = breaker;
        this.ticker = ticker;
        this.executor = executor;
        this.shutdown = shutdown;
        this.read = timer(meters, "read");
        this.failed = timer(meters, "failed");
        this.due.set(ticker.read());
    }

    /** Read on a thread of its own, one read at most at a time, no thread kept while no read is due. */
    static PriceList inBackground(
            Supplier<List<Product>> readAll,
            Cache<String, Product> kept,
            Duration every,
            CircuitBreaker breaker,
            MeterRegistry meters) {
        ThreadPoolExecutor reader =
                new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "catalog-price-list");
                    thread.setDaemon(true);
                    return thread;
                });
        return new PriceList(readAll, kept, every, breaker, meters, Ticker.systemTicker(), reader, reader::shutdownNow);
    }

    private static Timer timer(MeterRegistry meters, String outcome) {
        return Timer.builder("orderflow.saga.remote.price.list")
                .description("Reads of the catalog's whole listing by the order service, by outcome: read (kept for "
                        + "pricing) and failed (tried again later)")
                .tag("outcome", outcome)
                .register(meters);
    }

    /** Starts a read of the listing when one is due and none is running; returns at once. */
    void readIfDue() {
        if (tooLarge) {
            return;
        }
        long now = ticker.read();
        if (now - due.get() < 0 || !reading.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> readNow(now));
        } catch (RejectedExecutionException e) { // shut down
            reading.set(false);
        }
    }

    private void readNow(long started) {
        try {
            List<Product> listing = breaker.executeSupplier(readAll);
            if (listing.size() > RemotePricing.KEPT_PRODUCTS) {
                tooLarge = true;
                log.info(
                        "the catalog lists {} products, more than the {} kept here: it is not read whole again, each "
                                + "order asks for its own SKUs",
                        listing.size(),
                        RemotePricing.KEPT_PRODUCTS);
                return;
            }
            kept.putAll(RemotePricing.bySku(listing.stream()));
            record(read, started);
        } catch (RuntimeException e) {
            record(failed, started);
            log.debug("the catalog's listing could not be read; orders ask for their own SKUs until it is: {}", e);
        } finally {
            due.set(started + everyNanos);
            reading.set(false);
        }
    }

    private void record(Timer timer, long started) {
        timer.record(Duration.ofNanos(ticker.read() - started));
    }

    @Override
    public void close() {
        shutdown.run();
    }
}
