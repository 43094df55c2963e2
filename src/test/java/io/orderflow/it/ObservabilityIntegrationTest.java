package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.Outbox;
import io.orderflow.messaging.Transport;
import io.orderflow.payment.PaymentProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * What an operator sees, in embedded mode: the Prometheus series exist by name and move when orders flow,
 * the health probes answer, every order is one trace across the modules (its context carried in the
 * outbox and broker rows), logs are JSON lines with the order id and trace id, and a payment provider
 * outage opens the circuit breaker while the order waits, then closes it and completes the order.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIntegrationTest {

    static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("order_id");
    static final AttributeKey<String> MODULE = AttributeKey.stringKey("module");

    /** Keeps every finished span in memory, exported at once (no batching delay). */
    @Configuration(proxyBeanMethods = false)
    static class SpanCapture {

        static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

        @Bean
        SpanProcessor inMemorySpans() {
            return SimpleSpanProcessor.create(SPANS);
        }
    }

    static RunningApp app;
    static OrderApi api;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.embedded(
                Map.ofEntries(
                        Map.entry("orderflow.metrics.sample-interval", "100ms"),
                        Map.entry("orderflow.metrics.finished-count-interval", "0s"),
                        // an outage is retried quickly here, so the test does not wait for the production cap
                        Map.entry("orderflow.messaging.retry.cap", "300ms"),
                        Map.entry("resilience4j.circuitbreaker.instances.payment-provider.sliding-window-size", "4"),
                        Map.entry(
                                "resilience4j.circuitbreaker.instances.payment-provider.minimum-number-of-calls", "3"),
                        Map.entry(
                                "resilience4j.circuitbreaker.instances.payment-provider.wait-duration-in-open-state",
                                "1s"),
                        Map.entry(
                                "resilience4j.circuitbreaker.instances.payment-provider.permitted-number-of-calls-in-half-open-state",
                                "1"),
                        Map.entry("logging.level.io.orderflow.messaging.Dispatcher", "DEBUG")),
                SpanCapture.class);
        api = new OrderApi(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void exposesTheSeriesByNameAndTheyMoveWhenOrdersFlow() {
        List<String> series = List.of(
                "orderflow_orders",
                "orderflow_saga_stage_oldest_age_seconds",
                "orderflow_outbox_backlog",
                "orderflow_outbox_oldest_age_seconds",
                "orderflow_consumer_lag",
                "orderflow_dead_letters_parked",
                "resilience4j_circuitbreaker_state");
        // the gauges are sampled every 100 ms: right after an earlier test's order completed, a scrape may still
        // show it unfinished, and the count below would then move by two. The baseline is a scrape that agrees
        // with the database (no order is in flight between the tests).
        Scrape before = Awaitility.await("sampled gauges caught up with the database")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> Scrape.of(app.baseUrl()),
                        s -> series.stream().allMatch(s::has)
                                && s.value("orderflow_orders", "status", "completed") == completedOrders());
        for (String name : series) {
            assertThat(before.has(name)).as("series %s", name).isTrue();
        }
        assertThat(before.find("orderflow_consumer_lag"))
                .extracting(s -> s.labels().get("queue"))
                .contains("orderflow.order", "orderflow.payment", "orderflow.inventory");
        assertThat(before.find("orderflow_saga_stage_oldest_age_seconds"))
                .extracting(s -> s.labels().get("stage"))
                .containsExactlyInAnyOrder(
                        "pending", "validating", "inventory_check", "payment_processing", "shipping");

        String id = api.placeAccepted(anOrder(item("PROD-002", 1), "tok_visa", null));
        api.awaitStatus(id, "completed");

        awaitScrape(after -> {
            assertThat(after.value("orderflow_orders", "status", "completed"))
                    .isEqualTo(before.value("orderflow_orders", "status", "completed") + 1);
            assertThat(after.value(
                            "orderflow_messages_received_total",
                            "module",
                            "payment",
                            "type",
                            "ChargePayment",
                            "outcome",
                            "applied"))
                    .isGreaterThan(before.value(
                            "orderflow_messages_received_total",
                            "module",
                            "payment",
                            "type",
                            "ChargePayment",
                            "outcome",
                            "applied"));
        });

        // an unpublished outbox row shows as backlog with an age; removed, the backlog is gone again
        app.jdbc()
                .sql(
                        "insert into shipping.outbox (message_id, type, version, occurred_at, payload, next_attempt_at) "
                                + "values (?, 'Probe', 1, now() - interval '90 seconds', '{}'::jsonb, now() + interval '1 hour')")
                .param(UUID.randomUUID())
                .update();
        awaitScrape(s -> {
            assertThat(s.value("orderflow_outbox_backlog", "module", "shipping"))
                    .isEqualTo(1);
            assertThat(s.value("orderflow_outbox_oldest_age_seconds", "module", "shipping"))
                    .isGreaterThanOrEqualTo(90);
        });
        app.jdbc().sql("delete from shipping.outbox where type = 'Probe'").update();
        awaitScrape(s -> assertThat(s.value("orderflow_outbox_backlog", "module", "shipping"))
                .isZero());

        // a poison message is parked: the counter and the parked gauge move
        double parkedBefore = Scrape.of(app.baseUrl()).value("orderflow_dead_letters_parked", "module", "inventory");
        publish(new Envelope(
                UUID.randomUUID(),
                "ReserveStock",
                1,
                "poison-" + UUID.randomUUID(),
                null,
                Instant.now(),
                "{\"items\":\"not a list\"}",
                Map.of()));
        awaitScrape(s -> {
            assertThat(s.value("orderflow_dead_letters_parked", "module", "inventory"))
                    .isEqualTo(parkedBefore + 1);
            assertThat(s.value("orderflow_messages_dead_lettered_total", "module", "inventory", "type", "ReserveStock"))
                    .isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void wrapsNoSecurityFilterInAnObservationWhileSpringSecurityObservationsAreOff() {
        // Spring Security applies its observation wrappers to the filter chain, the authentication and the
        // authorization manager only when these settings ask for them
        SecurityObservationSettings settings = app.bean(SecurityObservationSettings.class);

        assertThat(settings.shouldObserveRequests()).isFalse();
        assertThat(settings.shouldObserveAuthentications()).isFalse();
        assertThat(settings.shouldObserveAuthorizations()).isFalse();
    }

    @Test
    void recordsHistogramBucketsForOrderflowTimers() {
        app.bean(MeterRegistry.class)
                .timer("orderflow.probe.duration", "stage", "test")
                .record(Duration.ofMillis(7));

        Scrape scrape = Scrape.of(app.baseUrl());

        assertThat(scrape.find("orderflow_probe_duration_seconds_bucket", "stage", "test"))
                .hasSizeGreaterThan(10);
    }

    @Test
    void answersTheLivenessAndReadinessProbesWithTheDatabaseInReadiness() {
        OrderApi.Response readiness = api.get("/actuator/health/readiness");
        OrderApi.Response liveness = api.get("/actuator/health/liveness");

        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body().path("status").asString()).isEqualTo("UP");
        assertThat(readiness.body().path("components").path("db").path("status").asString())
                .isEqualTo("UP");
        assertThat(readiness.body().path("components").has("readinessState")).isTrue();
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.body().path("components").has("livenessState")).isTrue();
    }

    @Test
    void tracesAnOrderAsOneTraceAcrossEveryModuleAndLogsItsIdsAsJson(CapturedOutput output) {
        String id = "trace-" + UUID.randomUUID();
        api.placeAccepted(
                anOrder(item("PROD-001", 1), "tok_visa", "US").replaceFirst("\\{", "{\"order_id\":\"" + id + "\","));
        api.awaitStatus(id, "completed");

        // every module a message of this order reaches; not the catalog: it prices in the placing transaction
        // (ADR 0013) and hears the stock levels in batches that serve many orders, each in a trace of its own (ADR
        // 0023)
        List<SpanData> handled = Awaitility.await("spans of every module")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> spansOf(id),
                        spans -> modulesOf(spans)
                                .containsAll(Set.of("order", "inventory", "payment", "shipping", "notification")));
        Set<String> traceIds = handled.stream().map(SpanData::getTraceId).collect(Collectors.toSet());
        assertThat(traceIds).hasSize(1);
        String traceId = traceIds.iterator().next();
        assertThat(handled)
                .extracting(SpanData::getName)
                .contains("OrderPlaced", "ReserveStock", "ChargePayment", "CreateShipment", "ShipmentCreated");
        assertThat(handled).allSatisfy(span -> {
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getParentSpanId())
                    .as("%s continues its sender's span", span.getName())
                    .isNotEqualTo("0000000000000000");
        });
        // the trace starts at the HTTP request that placed the order
        assertThat(SpanCapture.SPANS.getFinishedSpanItems())
                .filteredOn(s -> s.getTraceId().equals(traceId))
                .filteredOn(s -> s.getKind() == SpanKind.SERVER)
                .isNotEmpty();

        // structured logs: a JSON object per line, naming the order and the trace
        Awaitility.await("log line of the order")
                .atMost(Duration.ofSeconds(10))
                .until(() -> output.getOut()
                        .lines()
                        .anyMatch(line -> line.startsWith("{")
                                && line.contains("\"order_id\":\"" + id + "\"")
                                && line.contains("\"traceId\":\"" + traceId + "\"")));
    }

    @Test
    void storesTheTraceparentOfTheSendingSpanInTheOutboxRow() {
        Tracer tracer = app.bean(Tracer.class);
        Outbox outbox = app.bean(Outbox.class);
        Span span = tracer.nextSpan().name("sender").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            new TransactionTemplate(app.bean(PlatformTransactionManager.class)).executeWithoutResult(tx -> {
                UUID messageId = outbox.send("notification", new Probe("probe"), "probe", null);
                outbox.flush(); // written just before the commit otherwise
                String traceparent = app.jdbc()
                        .sql("select headers->>'traceparent' from notification.outbox " + "where message_id = ?")
                        .param(messageId)
                        .query(String.class)
                        .single();
                // W3C: version-traceid-parentid-flags (sampled)
                assertThat(traceparent)
                        .matches("00-" + span.context().traceId() + "-"
                                + span.context().spanId() + "-0[13]");
                tx.setRollbackOnly(); // never published
            });
        } finally {
            span.end();
        }
    }

    record Probe(String orderId) {}

    @Test
    void opensTheBreakerWhileThePaymentProviderIsDownAndCompletesTheOrderWhenItIsBack() {
        PaymentProvider provider = app.bean(PaymentProvider.class);
        double retriedBefore = Scrape.of(app.baseUrl()).value("orderflow_messages_retried_total", "module", "payment");
        provider.setDown(true);
        String id;
        try {
            id = api.placeAccepted(anOrder(item("PROD-001", 1), "tok_visa", null));
            api.awaitStatus(id, "payment_processing");

            awaitScrape(s -> {
                assertThat(s.value("resilience4j_circuitbreaker_state", "name", "payment-provider", "state", "open"))
                        .isEqualTo(1);
                assertThat(s.value("orderflow_messages_retried_total", "module", "payment", "type", "ChargePayment"))
                        .isGreaterThanOrEqualTo(retriedBefore + 3);
                assertThat(s.value("orderflow_saga_stage_oldest_age_seconds", "stage", "payment_processing"))
                        .isGreaterThan(0);
            });
            // the charge waits in the broker with its trace context, neither failed nor parked
            String traceparent = app.jdbc()
                    .sql("select headers->>'traceparent' from broker.message "
                            + "where type = 'ChargePayment' and order_id = ?")
                    .param(id)
                    .query(String.class)
                    .single();
            String traceId = spansOf(id).get(0).getTraceId();
            assertThat(traceparent).startsWith("00-" + traceId + "-");
            assertThat(api.order(id).path("status").asString()).isEqualTo("payment_processing");
            assertThat(app.jdbc()
                            .sql("select count(*) from payment.dead_letter where order_id = ?")
                            .param(id)
                            .query(Long.class)
                            .single())
                    .isZero();
        } finally {
            provider.setDown(false);
        }

        JsonNode order = api.awaitStatus(id, "completed");

        assertThat(order.path("payment_id").asString()).isNotBlank();
        awaitScrape(s -> assertThat(
                        s.value("resilience4j_circuitbreaker_state", "name", "payment-provider", "state", "closed"))
                .isEqualTo(1));
    }

    private static long completedOrders() {
        return app.jdbc()
                .sql("select count(*) from orders.purchase_order where status = 'completed'")
                .query(Long.class)
                .single();
    }

    private static List<SpanData> spansOf(String orderId) {
        return SpanCapture.SPANS.getFinishedSpanItems().stream()
                .filter(s -> orderId.equals(s.getAttributes().get(ORDER_ID)))
                .toList();
    }

    private static Set<String> modulesOf(List<SpanData> spans) {
        return spans.stream().map(s -> s.getAttributes().get(MODULE)).collect(Collectors.toSet());
    }

    private static void publish(Envelope envelope) {
        new TransactionTemplate(app.bean(PlatformTransactionManager.class))
                .executeWithoutResult(s -> assertThat(app.bean(Transport.class).publish(List.of(envelope)))
                        .isEmpty());
    }

    /** Scrapes until the assertions hold (gauges are sampled periodically). */
    private static void awaitScrape(Consumer<Scrape> assertions) {
        ThrowingRunnable check = () -> assertions.accept(Scrape.of(app.baseUrl()));
        Awaitility.await("metrics")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(check);
    }
}
