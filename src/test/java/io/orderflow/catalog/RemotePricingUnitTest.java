package io.orderflow.catalog;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Cache;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.messaging.ReadOnlyStep;
import io.orderflow.platform.ServiceInstances;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Pricing a new order by asking a catalog over real HTTP (a server on loopback): the answer is the catalog's rules
 * applied to what it returned, and a catalog that fails, is too slow or is behind an open breaker gives no answer
 * (the order is then priced by message).
 */
class RemotePricingUnitTest {

    private static final String PRODUCTS = "[{\"sku\":\"PROD-1\",\"name\":\"Mug\",\"description\":\"A mug\","
            + "\"price\":10.50,\"currency\":\"EUR\",\"available\":7}]";

    /** What {@link #queries} holds for a read of the whole listing (no query). */
    private static final String LISTING = "(listing)";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private volatile Reply reply = exchange -> respond(exchange, 200, PRODUCTS);

    @FunctionalInterface
    interface Reply {
        void to(HttpExchange exchange) throws IOException;
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/products", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            queries.add(query == null ? LISTING : query);
            reply.to(exchange);
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void pricesAnOrderByTheCatalogsRulesFromTheProductsItReturns() {
        Optional<ValidationReply> answer = step(catalogUrl()).answer(order(item("PROD-1", 2, null)));

        assertThat(answer).containsInstanceOf(OrderValidated.class);
        OrderValidated priced = (OrderValidated) answer.orElseThrow();
        assertThat(priced.total()).isEqualByComparingTo("21.00");
        assertThat(priced.currency()).isEqualTo("EUR");
        assertThat(priced.items())
                .singleElement()
                .satisfies(i -> assertThat(i.name()).isEqualTo("Mug"));
        assertThat(queries).containsExactly("sku=PROD-1");
        assertThat(count("answered")).isEqualTo(1);
    }

    @Test
    void rejectsWhatTheCatalogWould() {
        reply = exchange -> respond(exchange, 200, "[]");
        assertThat(step(catalogUrl()).answer(order(item("PROD-9", 1, null))))
                .hasValueSatisfying(
                        r -> assertThat(((OrderRejected) r).reason()).isEqualTo("unknown_sku"));

        reply = exchange -> respond(exchange, 200, PRODUCTS);
        assertThat(step(catalogUrl()).answer(order(item("PROD-1", 1, new BigDecimal("9.99")))))
                .hasValueSatisfying(
                        r -> assertThat(((OrderRejected) r).reason()).isEqualTo("price_changed"));
    }

    @Test
    void asksForEachSkuOnce() {
        step(catalogUrl()).answer(order(item("PROD-1", 1, null), item("PROD-2", 1, null), item("PROD-1", 3, null)));

        assertThat(queries).containsExactly("sku=PROD-1&sku=PROD-2");
    }

    @Test
    void keepsWhatItReadForTheTtlAndAsksOnlyForTheSkusItHasNotKept() {
        AtomicLong now = new AtomicLong();
        ReadOnlyStep<ValidateOrder, ValidationReply> step = keeping(Duration.ofSeconds(5), now);

        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        OrderValidated again =
                (OrderValidated) step.answer(order(item("PROD-1", 3, null))).orElseThrow();
        assertThat(again.total()).isEqualByComparingTo("31.50");
        assertThat(queries).containsExactly("sku=PROD-1");
        assertThat(count("kept")).isEqualTo(1);

        // only the SKU not kept is asked for; the catalog does not know it, and an unknown SKU is not kept
        for (int i = 0; i < 2; i++) {
            assertThat(step.answer(order(item("PROD-1", 1, null), item("PROD-2", 1, null))))
                    .hasValueSatisfying(
                            r -> assertThat(((OrderRejected) r).reason()).isEqualTo("unknown_sku"));
        }
        assertThat(queries).containsExactly("sku=PROD-1", "sku=PROD-2", "sku=PROD-2");

        // the TTL counts from the answer that brought the product
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        step.answer(order(item("PROD-1", 1, null)));
        assertThat(queries).containsExactly("sku=PROD-1", "sku=PROD-2", "sku=PROD-2", "sku=PROD-1");
        assertThat(count("answered")).isEqualTo(4);
    }

    @Test
    void aKeptPriceThatDiffersFromTheOneTheCustomerSawIsAskedForAgain() {
        ReadOnlyStep<ValidateOrder, ValidationReply> step = keeping(Duration.ofSeconds(5), new AtomicLong());
        step.answer(order(item("PROD-1", 1, null)));
        reply = exchange -> respond(exchange, 200, PRODUCTS.replace("10.50", "11.00"));

        OrderValidated priced = (OrderValidated)
                step.answer(order(item("PROD-1", 1, new BigDecimal("11.00")))).orElseThrow();

        assertThat(priced.total()).isEqualByComparingTo("11.00");
        assertThat(queries).containsExactly("sku=PROD-1", "sku=PROD-1");
        // what the catalog answered replaced what was kept
        assertThat(((OrderValidated) step.answer(order(item("PROD-1", 1, null))).orElseThrow()).total())
                .isEqualByComparingTo("11.00");
        assertThat(queries).hasSize(2);
        // a price the catalog does not confirm is refused, as the catalog would
        assertThat(step.answer(order(item("PROD-1", 1, new BigDecimal("9.99")))))
                .hasValueSatisfying(
                        r -> assertThat(((OrderRejected) r).reason()).isEqualTo("price_changed"));
        assertThat(queries).hasSize(3);
    }

    @Test
    void readsTheWholeListingAheadOfTheOrdersEveryHalfTtlWhileOrdersComeIn() {
        AtomicLong now = new AtomicLong();
        ReadOnlyStep<ValidateOrder, ValidationReply> step = listing(Duration.ofSeconds(10), now, Runnable::run);

        assertThat(step.answer(order(item("PROD-1", 2, null))))
                .hasValueSatisfying(
                        r -> assertThat(((OrderValidated) r).total()).isEqualByComparingTo("21.00"));
        assertThat(queries).containsExactly(LISTING);
        assertThat(count("kept")).isEqualTo(1);
        assertThat(listings("read")).isEqualTo(1);

        // a SKU the listing did not hold is asked for by its order, as before
        assertThat(step.answer(order(item("PROD-1", 1, null), item("PROD-2", 1, null))))
                .hasValueSatisfying(
                        r -> assertThat(((OrderRejected) r).reason()).isEqualTo("unknown_sku"));
        assertThat(queries).containsExactly(LISTING, "sku=PROD-2");

        // not read again before half the TTL, then by the first order after it
        now.addAndGet(Duration.ofMillis(4_999).toNanos());
        step.answer(order(item("PROD-1", 1, null)));
        assertThat(queries).containsExactly(LISTING, "sku=PROD-2");
        reply = exchange -> respond(exchange, 200, PRODUCTS.replace("10.50", "12.00"));
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(step.answer(order(item("PROD-1", 1, null))))
                .hasValueSatisfying(
                        r -> assertThat(((OrderValidated) r).total()).isEqualByComparingTo("12.00"));
        assertThat(queries).containsExactly(LISTING, "sku=PROD-2", LISTING);

        // nothing is read while no order comes in, however long that is
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(queries).hasSize(3);
        step.answer(order(item("PROD-1", 1, null)));
        assertThat(queries).containsExactly(LISTING, "sku=PROD-2", LISTING, LISTING);
        assertThat(count("kept")).isEqualTo(4);
        assertThat(count("answered")).isEqualTo(1);
    }

    @Test
    void aListingThatCannotBeReadIsTriedAgainHalfATtlLaterAndOrdersAskForTheirOwnSkusMeanwhile() {
        AtomicLong now = new AtomicLong();
        reply = exchange -> {
            if (exchange.getRequestURI().getRawQuery() == null) {
                respond(exchange, 503, "{}");
            } else {
                respond(exchange, 200, PRODUCTS);
            }
        };
        ReadOnlyStep<ValidateOrder, ValidationReply> step = listing(Duration.ofSeconds(10), now, Runnable::run);

        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);

        assertThat(queries).containsExactly(LISTING, "sku=PROD-1");
        assertThat(listings("failed")).isEqualTo(1);
        assertThat(count("answered")).isEqualTo(1);
        assertThat(count("kept")).isEqualTo(1);

        reply = exchange -> respond(exchange, 200, PRODUCTS);
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        step.answer(order(item("PROD-1", 1, null)));
        assertThat(queries).containsExactly(LISTING, "sku=PROD-1", LISTING);
        assertThat(listings("read")).isEqualTo(1);
    }

    @Test
    void readsOneListingAtATime() {
        AtomicLong now = new AtomicLong();
        List<Runnable> waiting = new ArrayList<>();
        ReadOnlyStep<ValidateOrder, ValidationReply> step = listing(Duration.ofSeconds(10), now, waiting::add);

        // the orders do not wait for the read: they ask for their own SKUs
        step.answer(order(item("PROD-1", 1, null)));
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        step.answer(order(item("PROD-1", 1, null)));
        assertThat(waiting).hasSize(1);
        assertThat(queries).containsExactly("sku=PROD-1");

        waiting.remove(0).run();
        assertThat(queries).containsExactly("sku=PROD-1", LISTING);
        // the next read is due half a TTL after this one was asked for: already
        step.answer(order(item("PROD-1", 1, null)));
        assertThat(waiting).hasSize(1);
    }

    @Test
    void aCatalogThatListsMoreProductsThanAreKeptIsNotReadWholeAgain() {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= RemotePricing.KEPT_PRODUCTS; i++) {
            many.append(i == 0 ? "" : ",")
                    .append(PRODUCTS.substring(1, PRODUCTS.length() - 1).replace("PROD-1", "SKU-" + i));
        }
        String listing = many.append(']').toString();
        reply = exchange -> respond(exchange, 200, exchange.getRequestURI().getRawQuery() == null ? listing : PRODUCTS);
        AtomicLong now = new AtomicLong();
        ReadOnlyStep<ValidateOrder, ValidationReply> step = listing(Duration.ofSeconds(10), now, Runnable::run);

        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);

        assertThat(queries).containsExactly(LISTING, "sku=PROD-1", "sku=PROD-1");
        assertThat(listings("read")).isZero();
    }

    @Test
    void theStepAsConfiguredReadsTheListingOnAThreadOfItsOwn() throws Exception {
        ReadOnlyStep<ValidateOrder, ValidationReply> step = new RemotePricing()
                .remoteCatalogValidation(
                        catalogUrl(),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        false,
                        new DefaultListableBeanFactory().getBeanProvider(ServiceInstances.class),
                        RestClient.builder(),
                        breakers(),
                        meters);

        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);
        // the read's end, waited for (bounded) rather than raced
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listings("read") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(listings("read")).isEqualTo(1);
        long kept = count("kept");
        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);
        assertThat(count("kept")).isEqualTo(kept + 1);
        assertThat(queries).contains(LISTING);
        ((AutoCloseable) step).close();
    }

    @Test
    void aZeroTtlKeepsNothingAndANegativeOneIsRefused() {
        ReadOnlyStep<ValidateOrder, ValidationReply> step = keeping(Duration.ZERO, new AtomicLong());

        step.answer(order(item("PROD-1", 1, null)));
        step.answer(order(item("PROD-1", 1, null)));

        assertThat(queries).hasSize(2);
        assertThatThrownBy(() -> RemotePricing.keptProducts(Duration.ofSeconds(-1), System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orderflow.saga.catalog-price-ttl");
    }

    @Test
    void aCatalogThatAnswersWithAnErrorGivesNoAnswer() {
        reply = exchange -> respond(exchange, 503, "{\"title\":\"Service Unavailable\"}");

        assertThat(step(catalogUrl()).answer(order(item("PROD-1", 1, null)))).isEmpty();
        assertThat(count("failed")).isEqualTo(1);
    }

    @Test
    void aCatalogSlowerThanTheTimeoutGivesNoAnswer() {
        reply = exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS); // held until the test ends: far past the 300 ms timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, PRODUCTS);
        };

        assertThat(step(catalogUrl(), Duration.ofMillis(300)).answer(order(item("PROD-1", 1, null))))
                .isEmpty();
        assertThat(count("failed")).isEqualTo(1);
    }

    @Test
    void nobodyListeningGivesNoAnswer() throws IOException {
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }

        assertThat(step(closed).answer(order(item("PROD-1", 1, null)))).isEmpty();
    }

    @Test
    void afterEnoughFailuresTheBreakerOpensAndTheCatalogIsNotAskedAtAll() {
        reply = exchange -> respond(exchange, 500, "{}");
        ReadOnlyStep<ValidateOrder, ValidationReply> step = step(catalogUrl());
        for (int i = 0; i < 4; i++) {
            assertThat(step.answer(order(item("PROD-1", 1, null)))).isEmpty();
        }

        assertThat(count("failed")).isEqualTo(2);
        assertThat(count("breaker_open")).isEqualTo(2);
        assertThat(queries).hasSize(2);
    }

    @Test
    void findsTheCatalogInDiscoveryTakingItsInstancesInTurn() {
        List<ServiceInstance> instances = new ArrayList<>(List.of(
                new DefaultServiceInstance("a", "catalog", "10.0.0.1", 8081, false),
                new DefaultServiceInstance("b", "catalog", "10.0.0.2", 8082, false)));
        RemotePricing.Discovered discovered = new RemotePricing.Discovered(copyOnly(registry(instances)), "catalog");

        assertThat(List.of(discovered.next(), discovered.next(), discovered.next()))
                .containsExactly(
                        URI.create("http://10.0.0.1:8081"),
                        URI.create("http://10.0.0.2:8082"),
                        URI.create("http://10.0.0.1:8081"));
        instances.clear();
        assertThatThrownBy(discovered::next).hasMessageContaining("no instance of catalog");
    }

    @Test
    void aCatalogFromTheRegistryCopyThatRefusesTheConnectionSendsTheProcessToDiscoveryForTheCatalogsOfNow()
            throws IOException {
        String gone;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gone = "127.0.0.1:" + socket.getLocalPort();
        }
        List<ServiceInstance> copy = List.of(instance("old", gone));
        List<String> asked = new CopyOnWriteArrayList<>();
        ServiceInstances instances = new ServiceInstances(
                registry(copy),
                service -> {
                    asked.add(service);
                    return List.of(instance(
                            "new",
                            server.getAddress().getHostString() + ":"
                                    + server.getAddress().getPort()));
                },
                Runnable::run, // the background ask, here on the calling thread
                () -> {},
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                System::nanoTime);
        ReadOnlyStep<ValidateOrder, ValidationReply> step = new RemotePricing()
                .remoteCatalogValidation(
                        "lb://catalog",
                        Duration.ofSeconds(10),
                        Duration.ZERO,
                        true,
                        provider(instances),
                        RestClient.builder(),
                        breakers(),
                        meters);

        assertThat(step.answer(order(item("PROD-1", 1, null)))).isEmpty();
        assertThat(asked).containsExactly("catalog");
        assertThat(step.answer(order(item("PROD-1", 1, null)))).containsInstanceOf(OrderValidated.class);
        assertThat(queries).hasSize(1);
    }

    @Test
    void aCatalogFoundThroughDiscoveryNeedsDiscoveryOn() {
        assertThatThrownBy(() -> new RemotePricing()
                        .remoteCatalogValidation(
                                "lb://catalog",
                                Duration.ofMillis(200),
                                Duration.ofSeconds(5),
                                false,
                                new DefaultListableBeanFactory().getBeanProvider(ServiceInstances.class),
                                RestClient.builder(),
                                breakers(),
                                meters))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.discovery.enabled");
    }

    /** A step with a timeout no loopback answer misses, even the first one of a cold JVM. */
    private ReadOnlyStep<ValidateOrder, ValidationReply> step(String url) {
        return step(url, Duration.ofSeconds(10));
    }

    /** A step that keeps nothing, so that each order asks (and no listing is read behind the test's back). */
    private ReadOnlyStep<ValidateOrder, ValidationReply> step(String url, Duration timeout) {
        return new RemotePricing()
                .remoteCatalogValidation(
                        url,
                        timeout,
                        Duration.ZERO,
                        false,
                        new DefaultListableBeanFactory().getBeanProvider(ServiceInstances.class),
                        RestClient.builder(),
                        breakers(),
                        meters);
    }

    /**
     * A step that keeps the products of each order's own ask for {@code ttl} by a clock the test moves ({@code now}, in
     * nanoseconds), and reads no listing.
     */
    private ReadOnlyStep<ValidateOrder, ValidationReply> keeping(Duration ttl, AtomicLong now) {
        URI catalog = URI.create(catalogUrl());
        return new RemotePricing.Step(
                () -> catalog,
                RestClient.create(),
                breakers().circuitBreaker("test"),
                meters,
                RemotePricing.keptProducts(ttl, now::get),
                null);
    }

    /**
     * A step that keeps products for {@code ttl} by the test's clock and reads the whole listing every half of it, each
     * read run by {@code reader} (on the calling thread, or when the test says).
     */
    private ReadOnlyStep<ValidateOrder, ValidationReply> listing(Duration ttl, AtomicLong now, Executor reader) {
        URI catalog = URI.create(catalogUrl());
        // without the retries of a client that repeats a 503, as the configured one is
        RestClient rest = RestClient.builder()
                .requestFactory(new SimpleClientHttpRequestFactory())
                .build();
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("test"); // stays closed through these tests' few failures
        Cache<String, Product> kept = requireNonNull(RemotePricing.keptProducts(ttl, now::get));
        PriceList list = new PriceList(
                () -> RemotePricing.readAll(() -> catalog, rest),
                kept,
                ttl.dividedBy(2),
                breaker,
                meters,
                now::get,
                reader,
                () -> {});
        return new RemotePricing.Step(() -> catalog, rest, breaker, meters, kept, list);
    }

    /** Opens when half of the last 2 calls failed, and stays open for the test. */
    private static CircuitBreakerRegistry breakers() {
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(2)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(10))
                .build());
    }

    private static ObjectProvider<ServiceInstances> provider(ServiceInstances instances) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("serviceInstances", instances);
        return beans.getBeanProvider(ServiceInstances.class);
    }

    private static ServiceInstance instance(String id, String hostAndPort) {
        URI at = URI.create("http://" + hostAndPort);
        return new DefaultServiceInstance(id, "catalog", at.getHost(), at.getPort(), false);
    }

    /** The registry copy and nothing else to ask. */
    private static ServiceInstances copyOnly(DiscoveryClient copy) {
        return new ServiceInstances(
                copy, null, Runnable::run, () -> {}, Duration.ofSeconds(30), Duration.ofSeconds(1), System::nanoTime);
    }

    private static DiscoveryClient registry(List<ServiceInstance> instances) {
        return new DiscoveryClient() {
            @Override
            public String description() {
                return "test registry";
            }

            @Override
            public List<ServiceInstance> getInstances(String serviceId) {
                return serviceId.equals("catalog") ? List.copyOf(instances) : List.of();
            }

            @Override
            public List<String> getServices() {
                return List.of("catalog");
            }
        };
    }

    private String catalogUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private long listings(String outcome) {
        return meters.get("orderflow.saga.remote.price.list")
                .tag("outcome", outcome)
                .timer()
                .count();
    }

    private long count(String outcome) {
        return meters.get("orderflow.saga.remote.pricing")
                .tag("outcome", outcome)
                .timer()
                .count();
    }

    private static ValidateOrder order(ValidateOrder.Item... items) {
        return new ValidateOrder("order-1", List.of(items));
    }

    private static ValidateOrder.Item item(String sku, int quantity, BigDecimal unitPrice) {
        return new ValidateOrder.Item(sku, quantity, unitPrice);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
