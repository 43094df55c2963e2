package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;

/**
 * One process per module with a SIGKILLed payment process, on the Redis Streams transport, at the cost of one extra
 * JVM (the full {@link DistributedDeploymentIntegrationTest} runs on RabbitMQ): a payment instance from the packaged
 * jar in its own operating-system process, competing in the payment consumer group with a second payment instance
 * (in this JVM, as are the other modules, in a context of their own). Under load, the payment process is killed
 * with SIGKILL in the middle of a charge, holding entries it never acknowledges; the other instance takes them
 * over with {@code XAUTOCLAIM} once idle for the claim time, and every order finishes, charged once.
 */
@ExtendWith(OneHeavyClassAtATime.class)
class KilledPaymentProcessOnRedisIntegrationTest {

    static final Path JAR = Path.of("target", "orderflow.jar");
    /** The killed process's connections, told apart in pg_stat_activity by their application name. */
    static final String DOOMED = "orderflow-payment-doomed";

    static final Map<String, String> PAYMENT = Map.of(
            "orderflow.payment.provider.slow-card-latency", "3s",
            "orderflow.redis.claim-idle", "6s");

    static String databaseUrl;
    static String prefix;
    static Path dir;
    static RunningApp rest;
    static RunningApp survivingPayment;
    static Process doomedPayment;
    static int doomedPort;

    @BeforeAll
    static void start() throws IOException {
        assertThat(JAR)
                .as("the packaged jar (built by the package phase before integration tests)")
                .exists();
        PackagedJar.launch(); // prepared before anything here starts: its training run takes a core
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        prefix = TestInfrastructure.newNamespace();
        dir = Files.createTempDirectory("orderflow-killed-payment");
        rest = RunningApp.distributedOnRedis(
                "order,catalog,inventory,shipping,notification,customer",
                databaseUrl,
                prefix,
                Map.of("spring.datasource.hikari.maximum-pool-size", "16"));
        String jwks = rest.baseUrl() + "/.well-known/jwks.json";
        doomedPayment = launchPayment(jwks); // boots while the other payment instance starts here
        Map<String, String> payment = new HashMap<>(PAYMENT);
        payment.put("orderflow.security.jwks-uri", jwks);
        survivingPayment = RunningApp.distributedOnRedis("payment", databaseUrl, prefix, payment);
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + doomedPort + "/api/health");
        Awaitility.await("payment process healthy (log: " + dir.resolve("payment.log") + ")")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    assertThat(doomedPayment.isAlive())
                            .as("payment process alive")
                            .isTrue();
                    return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (doomedPayment != null && doomedPayment.isAlive()) {
            doomedPayment.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (survivingPayment != null) {
            survivingPayment.close();
        }
        if (rest != null) {
            rest.close();
        }
        if (prefix != null) {
            TestInfrastructure.deleteRedisKeys(prefix);
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
        if (dir != null) {
            FileSystemUtils.deleteRecursively(dir);
        }
    }

    @Test
    void finishesEveryOrderChargingOnceWhenAPaymentProcessIsKilledMidCharge() throws Exception {
        OrderApi api = OrderApi.operatorVia(rest.baseUrl(), rest.baseUrl());
        JdbcClient database = rest.jdbc();
        List<String> placed = new ArrayList<>();

        // load until the payment process is inside a (slow) charge: its transaction open, the entry unacknowledged
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        boolean insideACharge = false;
        for (int i = 0; i < 150 && !insideACharge && System.nanoTime() < deadline; i++) {
            placed.add(api.placeAccepted(anOrder(i)));
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            insideACharge = database.sql("select count(*) from pg_stat_activity where datname = current_database() "
                                    + "and application_name = ? and state = 'idle in transaction' "
                                    + "and query like '%from payment.payment%'")
                            .param(DOOMED)
                            .query(Long.class)
                            .single()
                    > 0;
        }
        assertThat(insideACharge).as("the payment process took a charge").isTrue();
        doomedPayment.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no XACK
        assertThat(doomedPayment.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(doomedPayment.exitValue()).isEqualTo(137);

        // the load goes on, now on the surviving instance only
        for (int i = 0; i < 15; i++) {
            placed.add(api.placeAccepted(anOrder(i)));
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }

        String[] ids = placed.toArray(String[]::new);
        Awaitility.await("every order completes")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> database.sql("select count(*) from orders.purchase_order where id = any(?) "
                                        + "and status = 'completed'")
                                .param(ids)
                                .query(Long.class)
                                .single()
                        == ids.length);
        assertThat(database.sql("select count(*) from payment.payment where order_id = any(?) and status = 'charged'")
                        .param(ids)
                        .query(Long.class)
                        .single())
                .as("one charge per order")
                .isEqualTo(ids.length);
        assertThat(database.sql("select count(distinct order_id) from payment.payment where order_id = any(?) "
                                + "and status = 'charged'")
                        .param(ids)
                        .query(Long.class)
                        .single())
                .isEqualTo(ids.length);
        // what the killed process held was taken over and acknowledged by the survivor
        Awaitility.await("nothing pending on the payment stream")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> pendingPayments() == 0);
        OrderScenarios.awaitUntilAsserted(
                () -> assertThat(Invariants.violations(database)).isEmpty());
    }

    /** Every third order on the slow card, so that a payment instance is often inside a charge. */
    private static String anOrder(int i) {
        return OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), i % 3 == 0 ? "tok_slow" : "tok_visa", "US");
    }

    private static long pendingPayments() {
        RedisClient client = RedisClient.create(TestInfrastructure.REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().xpending(prefix + ":payment", "payment").getCount();
        } finally {
            client.shutdown();
        }
    }

    private static Process launchPayment(String jwks) throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            doomedPort = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(PackagedJar.launch()
                        .command(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("payment.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPRING_PROFILES_ACTIVE", "distributed,redis");
        env.put("ORDERFLOW_MODULES", "payment");
        env.put("SERVER_PORT", Integer.toString(doomedPort));
        env.put(
                "SPRING_DATASOURCE_URL",
                databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "ApplicationName=" + DOOMED);
        env.put("SPRING_DATASOURCE_USERNAME", TestInfrastructure.PG_USER);
        env.put("SPRING_DATASOURCE_PASSWORD", TestInfrastructure.PG_PASSWORD);
        env.put("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "6");
        env.put("SPRING_DATASOURCE_HIKARI_MINIMUMIDLE", "1"); // connections as needed (RunningApp)
        env.put("ORDERFLOW_REDIS_URL", TestInfrastructure.REDIS_URL);
        env.put("ORDERFLOW_REDIS_PREFIX", prefix);
        env.put("ORDERFLOW_REDIS_CLAIMIDLE", PAYMENT.get("orderflow.redis.claim-idle"));
        env.put(
                "ORDERFLOW_PAYMENT_PROVIDER_SLOWCARDLATENCY",
                PAYMENT.get("orderflow.payment.provider.slow-card-latency"));
        env.put("ORDERFLOW_SECURITY_JWKSURI", jwks);
        env.put("ORDERFLOW_SECURITY_OPERATOR_CLIENTSECRET", TestTokens.OPERATOR_SECRET);
        env.put("ORDERFLOW_SECURITY_DATADIR", dir.toString());
        env.put("ORDERFLOW_RATELIMIT_KEYPREFIX", prefix + ":rate-limit:");
        env.put("ORDERFLOW_ADMISSION_ENABLED", "false");
        env.put("EUREKA_CLIENT_ENABLED", "false");
        env.put("SPRING_CLOUD_DISCOVERY_ENABLED", "false");
        return builder.start();
    }
}
