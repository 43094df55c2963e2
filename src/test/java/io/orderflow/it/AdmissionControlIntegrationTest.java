package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full pipeline refuses new orders at once (503 with Retry-After) instead of letting them queue, with or without
 * an idempotency key (new orders before their token is checked): here the limit is held at two orders in flight, and
 * two slow orders fill it.
 */
class AdmissionControlIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "orderflow.admission.enabled", "true",
            "orderflow.admission.initial-limit", "2",
            "orderflow.admission.min-limit", "2",
            "orderflow.admission.max-limit", "2",
            "orderflow.admission.sample-interval", "100ms",
            // long enough that the two slow orders are surely still in flight when the test looks
            "orderflow.payment.provider.slow-card-latency", "6s"));

    @Test
    void refusesNewOrdersWhileThePipelineIsFullAndTakesThemAgainOnceItDrains() {
        OrderApi api = OrderApi.guest(local.app().baseUrl());
        String slow = OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_slow", null);
        String first = api.placeAccepted(slow);
        String second = placeOnceTheCountHasCaughtUp(api, slow, null);

        OrderApi.Response refused = api.place(OrderApi.Orders.of("PROD-002", 1));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.body().path("type").asString()).endsWith("/overloaded");
        OrderApi.Response refusedWithKey = api.place(OrderApi.Orders.of("PROD-002", 1), "retry-me");
        assertThat(refusedWithKey.status()).isEqualTo(503);
        assertThat(refusedWithKey.header("Retry-After")).isEqualTo("1");
        // a new order is refused before anything else is done for it, even before its token is checked (a refusal
        // must be cheap); an order with a key goes through the token check first, as its stored answer needs it
        OrderApi forged = OrderApi.withToken(local.app().baseUrl(), "not-a-token");
        assertThat(forged.place(OrderApi.Orders.of("PROD-002", 1)).status()).isEqualTo(503);
        assertThat(forged.place(OrderApi.Orders.of("PROD-002", 1), "forged-key").status())
                .isEqualTo(401);
        assertThat(local.app()
                        .jdbc()
                        .sql("select count(*) from orders.purchase_order")
                        .query(Long.class)
                        .single())
                .as("a refused order leaves nothing behind")
                .isEqualTo(2L);

        api.awaitStatus(first, "completed");
        api.awaitStatus(second, "completed");
        Awaitility.await("the pipeline takes orders again")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.place(OrderApi.Orders.of("PROD-002", 1)).status() == 202);
        // the refused request's idempotency key was not kept: its retry is a new order (a kept key would answer
        // every retry with the stored refusal, or 409)
        placeOnceTheCountHasCaughtUp(api, OrderApi.Orders.of("PROD-002", 1), "retry-me");
        assertThat(forged.place(OrderApi.Orders.of("PROD-002", 1)).status())
                .as("not full: the token is checked")
                .isEqualTo(401);
        assertThat(Scrape.of(local.app().baseUrl()).value("orderflow_admission_refused_total"))
                .isGreaterThanOrEqualTo(1);
    }

    /**
     * Every 503 closes its connection, so under overload each refused client connects anew: the kernel holds up to
     * {@code server.tomcat.accept-count} (1,024) connections for Tomcat to take in, not Tomcat's default of 100,
     * whose overflow dropped connection attempts for a second or more (docs/operations.md). Read from the kernel:
     * {@code ss} shows a listening socket's backlog as its Send-Q, capped by {@code net.core.somaxconn}.
     */
    @Test
    void theKernelHoldsAThousandConnectionsForTheServerToTakeIn() throws Exception {
        int port = URI.create(local.app().baseUrl()).getPort();
        // by lines: a sysctl file answers only a read from its start, and readString read one byte first ("4")
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn"))
                .get(0)
                .trim());

        assertThat(listenBacklog(port)).isEqualTo(Math.min(1024, somaxconn));
    }

    /** The backlog of the socket listening on {@code port}, as {@code ss -ltnH} gives it (its Send-Q column). */
    private static int listenBacklog(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port)
                .redirectErrorStream(true)
                .start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().toList()).as("one socket listens on " + port).hasSize(1);
        // State Recv-Q Send-Q Local-Address:Port Peer-Address:Port
        return Integer.parseInt(out.trim().split("\\s+")[2]);
    }

    /**
     * Places an order that fits under the limit, trying again while it is refused: the sampler counts the orders
     * in flight every 100 ms, and an order that commits during a count is counted twice until the next one (on
     * purpose: the safe side), so an order that just fits may be refused for one interval.
     */
    private static String placeOnceTheCountHasCaughtUp(OrderApi api, String body, String idempotencyKey) {
        OrderApi.Response accepted = Awaitility.await("accepted once the next count is in")
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> idempotencyKey == null ? api.place(body) : api.place(body, idempotencyKey),
                        response -> response.status() == 202);
        return accepted.id();
    }
}
