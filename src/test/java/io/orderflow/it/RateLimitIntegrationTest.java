package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Rate limits that hold across instances: two orderflow instances on one database share their token buckets
 * in a Redis of the test's own. Then that Redis is stopped: reads go on (fail open), sign-in is refused (fail
 * closed), and health and metrics say so; once Redis is back, sign-in works again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitIntegrationTest {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final int SIGN_IN_CAPACITY = 4;

    static LocalRedis redis;
    static String databaseUrl;
    static RunningApp first;
    static RunningApp second;
    static String operatorToken;

    @BeforeAll
    static void twoInstancesSharingRedis() throws Exception {
        redis = new LocalRedis().start();
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        Map<String, String> properties = new HashMap<>(TestInfrastructure.externalDatabase(databaseUrl));
        properties.putAll(Map.of(
                "orderflow.rate-limit.redis-url",
                redis.url(),
                "orderflow.rate-limit.key-prefix",
                "orderflow-it-" + UUID.randomUUID() + ":",
                "orderflow.rate-limit.classes.sign-in.capacity",
                Integer.toString(SIGN_IN_CAPACITY),
                "orderflow.rate-limit.classes.sign-in.period",
                "10m"));
        first = RunningApp.start(properties);
        second = RunningApp.start(properties);
        // obtained before the sign-in bucket is spent: the operator reads health and metrics below
        operatorToken = TestTokens.operator(first.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        for (RunningApp app : new RunningApp[] {first, second}) {
            if (app != null) {
                app.close();
            }
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void sharesTheSignInBucketBetweenInstancesAndSaysWhereTheClientStands() throws Exception {
        // the operator's sign-in took one token; each attempt below takes one more, whichever instance answers
        int answered = 1;
        HttpResponse<String> last = null;
        while (answered < SIGN_IN_CAPACITY) {
            last = signIn(answered % 2 == 0 ? first : second, "nobody-" + answered + "@example.com");
            assertThat(last.statusCode()).isEqualTo(401);
            answered++;
        }
        assertThat(last.headers().firstValue("RateLimit-Policy")).hasValue("\"sign-in\";q=4;w=600");
        assertThat(last.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"sign-in\";r=0;t=");

        for (RunningApp app : List.of(first, second)) {
            HttpResponse<String> limited = signIn(app, "someone@example.com");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(Long.parseLong(
                            limited.headers().firstValue("Retry-After").orElseThrow()))
                    .isPositive();
            assertThat(limited.body()).contains("rate-limited");
        }
        // reads have their own bucket
        assertThat(get(first, "/api/products", null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void failsOpenForReadsAndClosedForSignInWhileRedisIsDownAndRecovers() throws Exception {
        redis.stop();

        assertThat(get(first, "/api/products", null).statusCode()).isEqualTo(200);
        assertThat(get(second, "/api/products", null).statusCode()).isEqualTo(200);
        HttpResponse<String> signIn = signIn(first, "anyone@example.com");
        assertThat(signIn.statusCode()).isEqualTo(503);
        assertThat(signIn.headers().firstValue("Retry-After")).isPresent();
        assertThat(signIn.body()).contains("rate-limiter-unavailable");
        assertThat(post(
                                first,
                                "/api/customers",
                                "{\"email\":\"r@example.com\",\"password\":\"" + TestTokens.PASSWORD
                                        + "\",\"name\":\"R\"}")
                        .statusCode())
                .isEqualTo(503);
        // guests still check out
        assertThat(post(
                                first,
                                "/api/orders",
                                "{\"customer_email\":\"g@example.com\",\"items\":[{\"sku\":\"PROD-002\","
                                        + "\"quantity\":1}]}")
                        .statusCode())
                .isEqualTo(202);

        JsonNode health = OrderApi.JSON.readTree(
                get(first, "/actuator/health", operatorToken).body());
        assertThat(health.path("components").path("rateLimiter").path("status").asString())
                .isEqualTo("DEGRADED");
        assertThat(health.path("components")
                        .path("rateLimiter")
                        .path("details")
                        .path("store")
                        .asString())
                .isEqualTo("redis");
        assertThat(get(first, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(Scrape.of(first.baseUrl()).value("orderflow_ratelimit_store_up", "store", "redis"))
                .isZero();

        redis.start();
        Awaitility.await("sign-in answers again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> signIn(second, "back@example.com").statusCode() != 503);
        JsonNode recovered = OrderApi.JSON.readTree(
                get(second, "/actuator/health", operatorToken).body());
        assertThat(recovered
                        .path("components")
                        .path("rateLimiter")
                        .path("status")
                        .asString())
                .isEqualTo("UP");
    }

    static HttpResponse<String> signIn(RunningApp app, String email) throws Exception {
        return post(app, "/api/auth/token", "{\"email\":\"" + email + "\",\"password\":\"wrong password\"}");
    }

    static HttpResponse<String> post(RunningApp app, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(RunningApp app, String path, String token) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
