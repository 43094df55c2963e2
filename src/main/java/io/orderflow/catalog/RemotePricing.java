package io.orderflow.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderflow.messaging.ReadOnlyStep;
import io.orderflow.platform.Modules;
import io.orderflow.platform.ServiceInstances;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Prices a new order in a process that places orders but does not run the catalog (the distributed order service):
 * it reads the order's products from a catalog instance ({@code GET /api/products?sku=...}) and applies the catalog's
 * own pricing rules to them, before the placing transaction (ADR 0021). What it returns is what the catalog would
 * have replied to {@link ValidateOrder}, so the saga takes it as that reply. A catalog that does not answer within
 * {@code orderflow.saga.catalog-timeout}, answers with an error, or is behind an open circuit breaker gives no
 * answer: the order then goes out with {@code ValidateOrder} as a message, as it did before, and nothing is lost.
 *
 * <p>The products it reads are kept here for {@code orderflow.saga.catalog-price-ttl} (counted from the answer): a
 * price changed in the catalog reaches new orders at most that much later than it reaches the catalog's own answers.
 * While orders come in, the catalog's whole listing ({@code GET /api/products}, one read) is read again every half
 * of that TTL, off the placing threads ({@link PriceList}), so an order is priced without asking the catalog whatever
 * the rate and however many SKUs the shop sells; an order of a SKU that is not kept (a product added since) asks for
 * its own SKUs, as it did before the listing was kept. A catalog that lists more products than are kept here
 * ({@value #KEPT_PRODUCTS}) is not read whole again. A kept price that differs from the one the customer was shown
 * ({@code unit_price}) is asked again before the order is refused as {@code price_changed}. Unknown SKUs are not kept:
 * a product added to the catalog can be ordered at once.
 *
 * <p>Active where {@code orderflow.saga.catalog-url} names the catalog: {@code lb://catalog} (the distributed
 * profile's default) picks an instance from this process's copy of the discovery registry, round-robin; any other
 * URL is used as it is. Imported by the application on its own: the catalog's configuration is only there where the
 * catalog runs.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RemotePricing.CatalogElsewhere.class)
public class RemotePricing {

    /** The circuit breaker around the catalog's HTTP answers (resilience4j settings under this name). */
    static final String BREAKER = "catalog-pricing";

    private static final String DISCOVERED = "lb://";
    /** Kept open to the catalog instances together: as many as placing threads could ask at once, and more. */
    private static final int MAX_CONNECTIONS = 64;
    /** The most products kept between orders (a catalog larger than this is asked for the ones it dropped). */
    static final int KEPT_PRODUCTS = 10_000;
    /** How long the whole listing's read may take at least: off the placing path, a cold catalog may be slow. */
    static final Duration LISTING_TIMEOUT = Duration.ofSeconds(10);

    @Bean
    ReadOnlyStep<ValidateOrder, ValidationReply> remoteCatalogValidation(
            @Value("${orderflow.saga.catalog-url}") String url,
            @Value("${orderflow.saga.catalog-timeout:500ms}") Duration timeout,
            @Value("${orderflow.saga.catalog-price-ttl:30s}") Duration priceTtl,
            @Value("${spring.cloud.discovery.enabled:false}") boolean discoveryEnabled,
            ObjectProvider<ServiceInstances> discovery,
            RestClient.Builder rest,
            CircuitBreakerRegistry breakers,
            MeterRegistry meters) {
        Catalogs catalogs;
        if (url.startsWith(DISCOVERED)) {
            ServiceInstances registry = discoveryEnabled ? discovery.getIfAvailable() : null;
            if (registry == null) {
                throw new IllegalStateException("orderflow.saga.catalog-url=" + url
                        + " finds the catalog through discovery, which is off (spring.cloud.discovery.enabled); "
                        + "name the catalog's address instead, or leave the setting empty to price orders by message");
            }
            catalogs = new Discovered(registry, url.substring(DISCOVERED.length()));
        } else {
            URI fixed = URI.create(url);
            catalogs = () -> fixed;
        }
        // blocking I/O on the placing thread over pooled keep-alive connections: the JDK's client hands each exchange
        // between threads, which on a busy host cost 7 ms at the median (measured, ADR 0021); no retries: a failed
        // ask goes by message instead
        RestClient client = rest.clone()
                .requestFactory(new HttpComponentsClientHttpRequestFactory(http(timeout, MAX_CONNECTIONS)))
                .build();
        CircuitBreaker breaker = breakers.circuitBreaker(BREAKER);
        Cache<String, Product> kept = keptProducts(priceTtl, Ticker.systemTicker());
        PriceList list = null;
        if (kept != null) {
            // no order waits for the listing: it may take longer than an order's ask, on a connection of its own
            RestClient listing = rest.clone()
                    .requestFactory(new HttpComponentsClientHttpRequestFactory(
                            http(timeout.compareTo(LISTING_TIMEOUT) > 0 ? timeout : LISTING_TIMEOUT, 1)))
                    .build();
            list = PriceList.inBackground(
                    () -> readAll(catalogs, listing), kept, priceTtl.dividedBy(2), breaker, meters);
        }
        return new Step(catalogs, client, breaker, meters, kept, list);
    }

    private static CloseableHttpClient http(Duration timeout, int connections) {
        Timeout limit = Timeout.of(timeout);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit)
                                .setSocketTimeout(limit)
                                // a kept connection idle this long is checked first: the catalog closes idle ones
                                .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                .build())
                        .setMaxConnPerRoute(connections)
                        .setMaxConnTotal(connections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(limit)
                        .setResponseTimeout(limit)
                        .build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
    }

    /** Where the products read from a catalog are kept for {@code ttl}; none when {@code ttl} is zero. */
    static @Nullable Cache<String, Product> keptProducts(Duration ttl, Ticker ticker) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("orderflow.saga.catalog-price-ttl must not be negative: " + ttl);
        }
        if (ttl.isZero()) {
            return null;
        }
        return Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(KEPT_PRODUCTS)
                .ticker(ticker)
                .build();
    }

    /** Where to ask: one catalog instance's base URL per call. */
    @FunctionalInterface
    interface Catalogs {

        /** A catalog's base URL; throws when none is known. */
        URI next();

        /** The catalog last given by {@link #next} could not be reached. */
        default void unreachable() {}
    }

    /**
     * The instances of a service that are up, taken in turn: from this process's registry copy, or from discovery
     * itself when the copy has none or one could not be reached ({@link ServiceInstances}).
     */
    static final class Discovered implements Catalogs {

        private final ServiceInstances registry;
        private final String service;
        private final AtomicInteger turn = new AtomicInteger();

        Discovered(ServiceInstances registry, String service) {
            this.registry = registry;
            this.service = service;
        }

        @Override
        public URI next() {
            List<ServiceInstance> instances = registry.of(service);
            if (instances.isEmpty()) {
                throw new IllegalStateException("no instance of " + service + " in discovery");
            }
            return instances
                    .get(Math.floorMod(turn.getAndIncrement(), instances.size()))
                    .getUri();
        }

        @Override
        public void unreachable() {
            registry.unreachable(service);
        }
    }

    /** The catalog's whole listing, from the next catalog instance. */
    static List<Product> readAll(Catalogs catalogs, RestClient rest) {
        return products(catalogs, rest, List.of());
    }

    /**
     * {@code GET /api/products} from the next catalog instance: the products of these SKUs, or the whole listing when
     * none is named. A catalog that refused the connection or did not answer in time is reported unreachable.
     */
    private static List<Product> products(Catalogs catalogs, RestClient rest, List<String> skus) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromUri(catalogs.next()).path("/api/products");
        if (!skus.isEmpty()) {
            uri.queryParam("sku", skus.toArray());
        }
        try {
            List<Product> products =
                    rest.get().uri(uri.encode().build().toUri()).retrieve().body(Step.PRODUCTS);
            return products == null ? List.of() : products;
        } catch (ResourceAccessException e) { // refused or timed out: it may have stopped or moved
            catalogs.unreachable();
            throw e;
        }
    }

    /** Products by SKU, the first of each SKU kept. */
    static Map<String, Product> bySku(Stream<Product> products) {
        return products.collect(Collectors.toMap(Product::sku, Function.identity(), (a, b) -> a));
    }

    /** The step: the products read over HTTP, priced here by the catalog's rules. */
    static final class Step implements ReadOnlyStep<ValidateOrder, ValidationReply>, AutoCloseable {

        private static final Logger log = LoggerFactory.getLogger(RemotePricing.class);
        private static final ParameterizedTypeReference<List<Product>> PRODUCTS = new ParameterizedTypeReference<>() {};

        private final Catalogs catalogs;
        private final RestClient rest;
        private final CircuitBreaker breaker;
        private final @Nullable Cache<String, Product> kept;
        private final @Nullable PriceList list;
        private final Timer fromKept;
        private final Timer answered;
        private final Timer failed;
        private final Timer skipped;

        Step(
                Catalogs catalogs,
                RestClient rest,
                CircuitBreaker breaker,
                MeterRegistry meters,
                @Nullable Cache<String, Product> kept,
                @Nullable PriceList list) {
            this.catalogs = catalogs;
            this.rest = rest;
            this.breaker = breaker;
            this.kept = kept;
            this.list = list;
            this.fromKept = timer(meters, "kept");
            this.answered = timer(meters, "answered");
            this.failed = timer(meters, "failed");
            this.skipped = timer(meters, "breaker_open");
        }

        private static Timer timer(MeterRegistry meters, String outcome) {
            return Timer.builder("orderflow.saga.remote.pricing")
                    .description("New orders priced before placing them, by outcome: kept (every product kept from "
                            + "an earlier answer, the catalog not asked), answered (asked over HTTP), failed and "
                            + "breaker_open (priced by message)")
                    .tag("outcome", outcome)
                    .register(meters);
        }

        @Override
        public Class<ValidateOrder> command() {
            return ValidateOrder.class;
        }

        @Override
        public Optional<ValidationReply> answer(ValidateOrder command) {
            List<String> skus = command.items().stream()
                    .map(ValidateOrder.Item::sku)
                    .distinct()
                    .toList();
            long started = System.nanoTime();
            if (list != null) {
                list.readIfDue();
            }
            Map<String, Product> products = keptFor(command, skus);
            List<String> missing =
                    skus.stream().filter(sku -> !products.containsKey(sku)).toList();
            if (missing.isEmpty()) {
                fromKept.record(Duration.ofNanos(System.nanoTime() - started));
                return Optional.of(Catalog.Pricing.price(command, products));
            }
            try {
                Map<String, Product> read = breaker.executeSupplier(() -> read(missing));
                if (kept != null) {
                    kept.putAll(read);
                }
                products.putAll(read);
                answered.record(Duration.ofNanos(System.nanoTime() - started));
                return Optional.of(Catalog.Pricing.price(command, products));
            } catch (CallNotPermittedException e) {
                skipped.record(Duration.ofNanos(System.nanoTime() - started));
                return Optional.empty();
            } catch (RuntimeException e) {
                failed.record(Duration.ofNanos(System.nanoTime() - started));
                log.debug("the catalog did not price order {}; it is priced by message: {}", command.orderId(), e);
                return Optional.empty();
            }
        }

        /**
         * The kept products among {@code skus} (a map of its own, to add the catalog's answer to), less those whose kept
         * price differs from the one an item states: the customer may have seen a newer price than the one kept, so the
         * catalog is asked rather than the order refused.
         */
        private Map<String, Product> keptFor(ValidateOrder command, List<String> skus) {
            Map<String, Product> found = kept == null ? new HashMap<>() : new HashMap<>(kept.getAllPresent(skus));
            for (ValidateOrder.Item item : command.items()) {
                Product product = found.get(item.sku());
                if (product != null && Catalog.Pricing.statesAnotherPrice(item, product)) {
                    found.remove(item.sku());
                }
            }
            return found;
        }

        @Override
        public void close() {
            if (list != null) {
                list.close();
            }
        }

        private Map<String, Product> read(List<String> skus) {
            // only what was asked for: anything else would be kept as if it had just been read
            return bySku(products(catalogs, rest, skus).stream().filter(product -> skus.contains(product.sku())));
        }
    }

    /** Orders are placed here, the catalog runs elsewhere, and the setting says where. */
    static final class CatalogElsewhere implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment environment = context.getEnvironment();
            Modules modules = Modules.from(environment);
            String url = environment.getProperty("orderflow.saga.catalog-url", "");
            return modules.runs("order") && !modules.runs("catalog") && !url.isBlank();
        }
    }
}
