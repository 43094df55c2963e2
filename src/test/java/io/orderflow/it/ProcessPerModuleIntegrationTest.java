package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The distributed mode as an operator runs it: the packaged jar started once per module, each in its own
 * operating-system process, on the local PostgreSQL and RabbitMQ. Then the payment process is killed with
 * SIGKILL in the middle of a charge, and a fresh one finishes the order without charging twice.
 */
class ProcessPerModuleIntegrationTest {

    static final Path JAR = Path.of("target", "orderflow.jar");
    static final List<String> MODULES = List.of("customer", "catalog", "inventory", "payment", "shipping", "notification",
            "order");

    static String databaseUrl;
    static String namespace;
    static Path logs;
    static final Map<String, Process> processes = new LinkedHashMap<>();
    static final Map<String, Integer> ports = new LinkedHashMap<>();
    static JdbcClient database;

    @BeforeAll
    static void start() throws Exception {
        assertThat(JAR).as("the packaged jar (built by the package phase before integration tests)").exists();
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        namespace = TestInfrastructure.newNamespace();
        logs = Files.createTempDirectory("orderflow-processes");
        database = JdbcClient.create(new DriverManagerDataSource(databaseUrl, TestInfrastructure.PG_USER,
                TestInfrastructure.PG_PASSWORD));
        for (String module : MODULES) {
            launch(module, module);
        }
        // the tests' operator signs in at the customer process; every other process checks its token there
        for (String name : MODULES) {
            awaitHealthy(name);
        }
    }

    @AfterAll
    static void stop() {
        processes.values().forEach(ProcessPerModuleIntegrationTest::terminate);
        if (namespace != null) {
            TestInfrastructure.deleteNamespace(namespace);
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    @Test
    void runsEveryModuleInItsOwnProcessAndSurvivesAKilledConsumer() throws Exception {
        OrderApi api = OrderApi.operatorVia("http://127.0.0.1:" + ports.get("order"), "http://127.0.0.1:" + ports.get("customer"));
        String completed = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_visa", "US"));
        String declined = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-002", 1),
                "tok_chargeDeclined", null));
        api.awaitStatus(completed, "completed");
        api.awaitEvent(declined, "stock_released");
        HttpResponse<String> products = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get("catalog") + "/api/products")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(products.body()).contains("PROD-004");

        String interrupted = api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-003", 1), "tok_slow", null));
        api.awaitStatus(interrupted, "payment_processing");
        Awaitility.await("payment process inside the charge").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> database.sql("select count(*) from pg_stat_activity where datname = current_database() "
                        + "and state = 'idle in transaction' and query like '%from payment.payment%'")
                        .query(Long.class).single() > 0);
        Process payment = processes.get("payment");
        payment.destroyForcibly(); // SIGKILL: no shutdown hook, no ack, no commit
        assertThat(payment.waitFor(10, TimeUnit.SECONDS)).isTrue();

        launch("payment", "payment-2");
        awaitHealthy("payment-2");

        api.awaitStatus(interrupted, "completed");
        assertThat(database.sql("select count(*) from payment.payment where order_id = ? and status = 'charged'")
                .param(interrupted).query(Long.class).single()).isEqualTo(1L);
        OrderScenarios.awaitUntilAsserted(() -> assertThat(Invariants.violations(database)).isEmpty());
    }

    private static void launch(String module, String name) throws IOException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx256m", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPRING_PROFILES_ACTIVE", "distributed");
        env.put("ORDERFLOW_MODULES", module);
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SPRING_DATASOURCE_URL", databaseUrl);
        env.put("SPRING_DATASOURCE_USERNAME", TestInfrastructure.PG_USER);
        env.put("SPRING_DATASOURCE_PASSWORD", TestInfrastructure.PG_PASSWORD);
        env.put("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "6");
        env.put("SPRING_RABBITMQ_HOST", TestInfrastructure.RABBIT_HOST);
        env.put("SPRING_RABBITMQ_PORT", TestInfrastructure.RABBIT_PORT);
        env.put("ORDERFLOW_MESSAGING_RABBITMQ_NAMESPACE", namespace);
        env.put("ORDERFLOW_PAYMENT_PROVIDER_SLOWCARDLATENCY", "3s");
        env.put("ORDERFLOW_SECURITY_OPERATOR_CLIENTSECRET", TestTokens.OPERATOR_SECRET);
        env.put("ORDERFLOW_SECURITY_DATADIR", logs.toString());
        env.put("ORDERFLOW_SECURITY_JWKSURI", "http://127.0.0.1:" + ports.get("customer") + "/.well-known/jwks.json");
        processes.put(name, builder.start());
        ports.put(name, port);
    }

    private static void awaitHealthy(String name) {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + ports.get(name) + "/api/health");
        Awaitility.await(name + " healthy (log: " + logs.resolve(name + ".log") + ")")
                .atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    assertThat(processes.get(name).isAlive()).as(name + " process alive").isTrue();
                    return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200;
                });
    }

    private static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
