package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full pipeline refuses new orders at once (429 with Retry-After) instead of letting them queue, with or without
 * an idempotency key (new orders before their token is checked), and keeps the refused client's connection open:
 * here the limit is held at two orders in flight, and two slow orders fill it.
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
    void refusesNewOrdersWhileThePipelineIsFullAndTakesThemAgainOnceItDrains() throws IOException {
        OrderApi api = OrderApi.guest(local.app().baseUrl());
        String slow = OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_slow", null);
        String first = api.placeAccepted(slow);
        String second = placeOnceTheCountHasCaughtUp(api, slow, null);

        OrderApi.Response refused = api.place(OrderApi.Orders.of("PROD-002", 1));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.body().path("type").asString()).endsWith("/overloaded");
        assertThat(placeThenReadOnOneConnection(local.app().baseUrl(), OrderApi.Orders.of("PROD-002", 1)))
                .as("the refusal and then a read, on one connection: a refused client keeps its connection")
                .containsExactly(429, 200);
        OrderApi.Response refusedWithKey = api.place(OrderApi.Orders.of("PROD-002", 1), "retry-me");
        assertThat(refusedWithKey.status()).isEqualTo(429);
        assertThat(refusedWithKey.header("Retry-After")).isEqualTo("1");
        // a new order is refused before anything else is done for it, even before its token is checked (a refusal
        // must be cheap); an order with a key goes through the token check first, as its stored answer needs it
        OrderApi forged = OrderApi.withToken(local.app().baseUrl(), "not-a-token");
        assertThat(forged.place(OrderApi.Orders.of("PROD-002", 1)).status()).isEqualTo(429);
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

    /**
     * Sends a new order and then a read on one connection, as a client that pools its connections does, and gives
     * the two status codes. A server that closed the connection after the first answer fails the second exchange.
     */
    private static List<Integer> placeThenReadOnOneConnection(String baseUrl, String order) throws IOException {
        URI base = URI.create(baseUrl);
        byte[] body = order.getBytes(StandardCharsets.UTF_8);
        List<Integer> statuses = new ArrayList<>();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST /api/orders HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            statuses.add(readAnswer(in));
            out.write("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            statuses.add(readAnswer(in));
        }
        return statuses;
    }

    /** Reads one HTTP/1.1 answer whole (its body by length or in chunks); its status, or fails if it closes. */
    private static int readAnswer(InputStream in) throws IOException {
        String[] status = line(in).split(" ");
        long length = 0;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            assertThat(lower).as("the server keeps the connection").isNotEqualTo("connection: close");
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(
                        lower.substring("content-length:".length()).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).strip(), 16);
                    size > 0;
                    size = Long.parseLong(line(in).strip(), 16)) {
                in.readNBytes((int) size);
                line(in); // the CRLF after the chunk
            }
            line(in); // the empty trailer
        } else {
            in.readNBytes((int) length);
        }
        return Integer.parseInt(status[1]);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("the server closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
