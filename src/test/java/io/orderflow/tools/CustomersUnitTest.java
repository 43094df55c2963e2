package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's customers sign in again once half their tokens' lifetime has passed, not before, and when the
 * benchmark asks before its measured phases; a sign-up answered 503 is tried again.
 */
class CustomersUnitTest {

    /** Answers sign-ups with 201 and sign-ins with a new token each time, valid for 600 s. */
    private final HttpServer server = startServer();

    private final AtomicInteger signUps = new AtomicInteger();
    /** Sign-ups answered 503 before the first is served. */
    private final AtomicInteger unavailable = new AtomicInteger();

    private final AtomicInteger signIns = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000);

    private HttpServer startServer() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/api/customers", exchange -> {
                if (unavailable.getAndDecrement() > 0) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    answer(exchange, 503, "{\"status\":503}");
                    return;
                }
                answer(exchange, 201, "{\"id\":" + signUps.incrementAndGet() + "}");
            });
            s.createContext(
                    "/api/auth/token",
                    exchange -> answer(
                            exchange,
                            200,
                            "{\"access_token\":\"t" + signIns.incrementAndGet()
                                    + "\",\"token_type\":\"Bearer\",\"expires_in\":600}"));
            s.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void signsTheCustomersInAgainOnceHalfTheTokensLifetimeHasPassed() throws IOException {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();

        Customers customers = Customers.signUp(url, "run-1", 2, now::get);

        assertThat(signUps).hasValue(2);
        assertThat(customers.get()).containsExactly("t1", "t2");
        now.addAndGet(Duration.ofSeconds(299).toNanos());
        assertThat(customers.get()).as("within half the lifetime").containsExactly("t1", "t2");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(customers.get()).as("at half the lifetime").containsExactly("t3", "t4");
        assertThat(customers.get()).containsExactly("t3", "t4");
        assertThat(signUps).as("signed up once").hasValue(2);
    }

    @Test
    void signingInNowPutsTheNextSignInHalfALifetimeAway() throws IOException {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Customers customers = Customers.signUp(url, "run-3", 2, now::get);
        now.addAndGet(Duration.ofSeconds(250).toNanos());

        customers.signInNow();

        assertThat(customers.count()).isEqualTo(2);
        assertThat(customers.get()).containsExactly("t3", "t4");
        now.addAndGet(Duration.ofSeconds(299).toNanos());
        assertThat(customers.get())
                .as("half the lifetime after the sign-in now, not after the first")
                .containsExactly("t3", "t4");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(customers.get()).containsExactly("t5", "t6");
    }

    @Test
    void aSignUpAnswered503IsTriedAgainAfterItsRetryAfter() throws IOException {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        unavailable.set(1); // the gateway has not seen the customer module ready again yet

        Customers customers = Customers.signUp(url, "run-4", 2, now::get);

        assertThat(signUps).hasValue(2);
        assertThat(customers.get()).containsExactly("t1", "t2");
    }

    @Test
    void guestRunsHaveNoTokensToRefresh() throws IOException {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();

        Customers none = Customers.signUp(url, "run-2", 0, now::get);
        now.addAndGet(Duration.ofHours(1).toNanos());
        none.signInNow();

        assertThat(none.get()).isEqualTo(List.of());
        assertThat(none.count()).as("nobody to sign in before a warm-up round").isZero();
        assertThat(signIns).hasValue(0);
    }
}
