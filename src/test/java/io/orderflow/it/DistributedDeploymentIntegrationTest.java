package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The distributed mode as an operator runs it: the packaged jar (extracted, with a class-data sharing archive:
 * {@link PackagedJar}) started once per module, each in its own operating-system process, behind the gateway, which finds them in discovery (Eureka), on the local PostgreSQL,
 * RabbitMQ and Redis. Every request goes through the gateway. Then processes are killed with SIGKILL: a payment
 * process in the middle of a charge (a fresh one finishes the order without charging twice), and one of two
 * order instances under load (the gateway stops sending to it within 10 s, and no accepted order is lost), and
 * another one hung with SIGSTOP (its readiness probe fails: the same).
 */
@ExtendWith(OneHeavyClassAtATime.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedDeploymentIntegrationTest {

    static final Path JAR = Path.of("target", "orderflow.jar");
    /** The gateway and the registry share a process here (one JVM less on a small machine); they need not. */
    static final String EDGE = "gateway,discovery";

    static final List<String> MODULES =
            List.of("customer", "catalog", "inventory", "payment", "shipping", "notification", "order");
    static final Duration ROTATION_WINDOW = Duration.ofSeconds(10);

    static String databaseUrl;
    static String namespace;
    static Path logs;
    static final Map<String, Process> processes = new LinkedHashMap<>();
    static final Map<String, Integer> ports = new LinkedHashMap<>();
    static JdbcClient database;
    static String gateway;
    static OrderApi api;

    @BeforeAll
    static void start() throws Exception {
        assertThat(JAR)
                .as("the packaged jar (built by the package phase before integration tests)")
                .exists();
        PackagedJar.launch(); // prepared before anything here starts: its training run takes a core
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        namespace = TestInfrastructure.newNamespace();
        // kept after the run for a failure's diagnosis, under the build's output rather than the machine's /tmp
        logs = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "orderflow-processes");
        database = JdbcClient.create(
                new DriverManagerDataSource(databaseUrl, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD));
        ports.put("edge", TestInfrastructure.freePort());
        launch(EDGE, "edge");
        for (String module : MODULES) {
            launch(module, module);
        }
        launch("order", "order-2");
        awaitHealthy("edge");
        for (String name : processes.keySet()) {
            awaitHealthy(name);
        }
        gateway = "http://127.0.0.1:" + ports.get("edge");
        // the gateway routes once discovery has every module and their readiness probes pass
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("the gateway routes to every module")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    // an order nobody placed: 404 is the order module's answer, 503 the gateway's while it has no
                    // ready instance of it (the first order placed raced that once)
                    Map<String, Integer> answers = Map.of(
                            "/api/products",
                            200,
                            "/.well-known/jwks.json",
                            200,
                            "/api/orders/" + UUID.randomUUID(),
                            404);
                    for (Map.Entry<String, Integer> answer : answers.entrySet()) {
                        if (http.send(
                                                HttpRequest.newBuilder(URI.create(gateway + answer.getKey()))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                != answer.getValue()) {
                            return false;
                        }
                    }
                    return true;
                });
        api = OrderApi.operatorVia(gateway, gateway);
    }

    @AfterAll
    static void stop() {
        // the modules shut down together (each deregisters from discovery on its way out), then the edge
        List<Process> modules = processes.entrySet().stream()
                .filter(e -> !e.getKey().equals("edge"))
                .map(Map.Entry::getValue)
                .toList();
        terminate(modules);
        if (processes.containsKey("edge")) {
            terminate(List.of(processes.get("edge")));
        }
        ports.values().forEach(port -> TestTokens.forget("http://127.0.0.1:" + port));
        if (namespace != null) {
            TestInfrastructure.deleteNamespace(namespace);
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    @Test
    @Order(1)
    void servesEverythingThroughTheGatewayAndSurvivesAKilledConsumer() throws Exception {
        String customer = TestTokens.newCustomer(gateway, "Grace");
        OrderApi grace = OrderApi.withToken(gateway, customer);
        String completed =
                grace.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_visa", "US"));
        String declined = api.placeAccepted(
                OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-002", 1), "tok_chargeDeclined", null));
        grace.awaitStatus(completed, "completed");
        api.awaitEvent(declined, "stock_released");
        assertThat(grace.get("/api/customers/me/orders")
                        .body()
                        .path("items")
                        .get(0)
                        .path("id")
                        .asString())
                .isEqualTo(completed);
        assertThat(grace.get("/api/orders").status()).isEqualTo(403);
        // the order instances find a catalog through discovery and price new orders over HTTP (ADR 0021): an order
        // that completes without a ValidateOrder reaching the catalog. Until a cold catalog answers in time, orders
        // are priced by message, so a few may be. The catalog records a ValidateOrder before the order can move on,
        // so once the order is completed the count is final.
        Awaitility.await("an order priced over HTTP by a catalog found in discovery")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long before = validateOrdersAtTheCatalog();
                    String order = api.placeAccepted(
                            OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-001", 1), "tok_visa", null));
                    api.awaitStatus(order, "completed");
                    return validateOrdersAtTheCatalog() == before;
                });
        // the gateway stamps a request id and passes it to the module, which logs it too
        OrderApi.Response traced = api.get("/api/orders/" + completed);
        String requestId = traced.header("X-Request-Id");
        assertThat(requestId).isNotBlank();
        assertThat(traced.headers().get("X-Request-Id")).hasSize(1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> logsMention("order", requestId) || logsMention("order-2", requestId));
        assertThat(logsMention("edge", requestId)).isTrue();

        String interrupted =
                api.placeAccepted(OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-003", 1), "tok_slow", null));
        api.awaitStatus(interrupted, "payment_processing");
        Awaitility.await("payment process inside the charge")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> database.sql("select count(*) from pg_stat_activity where datname = current_database() "
                                        + "and state = 'idle in transaction' and query like '%from payment.payment%'")
                                .query(Long.class)
                                .single()
                        > 0);
        Process payment = processes.get("payment");
        payment.destroyForcibly(); // SIGKILL: no shutdown hook, no ack, no commit
        assertThat(payment.waitFor(10, TimeUnit.SECONDS)).isTrue();

        launch("payment", "payment-2");
        awaitHealthy("payment-2");

        api.awaitStatus(interrupted, "completed");
        assertThat(database.sql("select count(*) from payment.payment where order_id = ? and status = 'charged'")
                        .param(interrupted)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        OrderScenarios.awaitUntilAsserted(
                () -> assertThat(Invariants.violations(database)).isEmpty());
    }

    @Test
    @Order(2)
    void takesKilledAndHungInstancesOutOfRotationAndANewOneInWithoutLosingAnOrder() throws Exception {
        // both order instances take traffic through the gateway (round-robin over the ready ones) before one is
        // killed: counted by the requests they served, not by any access line (their health probe writes one too)
        assertThat(OrderApi.guest(gateway).get("/api/products").status()).isEqualTo(200);
        Awaitility.await("both order instances serve gateway traffic")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    api.get("/api/orders?size=1");
                    return accessLinesFor("order", "GET /api/orders") > 0
                            && accessLinesFor("order-2", "GET /api/orders") > 0;
                });

        record Attempt(long sentAtNanos, int status, String orderId) {}
        List<Attempt> attempts = new CopyOnWriteArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        OrderApi guest = OrderApi.guest(gateway);
        Thread load = new Thread(
                () -> {
                    while (loading.get()) {
                        long sent = System.nanoTime();
                        int status;
                        String id = null;
                        try {
                            OrderApi.Response response = guest.place(
                                    OrderApi.Orders.anOrder(OrderApi.Orders.item("PROD-002", 1), "tok_visa", "US"));
                            status = response.status();
                            id = status == 202 ? response.id() : null;
                        } catch (RuntimeException e) {
                            status = -1; // the connection failed: the order was not accepted, so it cannot be lost
                        }
                        attempts.add(new Attempt(sent, status, id));
                        sleepQuietly(Duration.ofMillis(40));
                    }
                },
                "gateway-load");
        load.setDaemon(true);
        load.start();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() >= 20);
        Process second = processes.get("order-2");
        second.destroyForcibly();
        long killedAt = System.nanoTime();
        assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> attempts.stream()
                                .filter(a -> a.sentAtNanos() - killedAt > ROTATION_WINDOW.toNanos() + 5e9)
                                .count()
                        >= 30);

        // a new instance: it gets requests within 10 s of being ready
        long linesBefore = accessLines("order-3");
        launch("order", "order-3");
        awaitHealthy("order-3");
        URI readiness = URI.create("http://127.0.0.1:" + ports.get("order-3") + "/actuator/health/readiness");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> HttpClient.newHttpClient()
                                .send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
        long readyAt = System.nanoTime();
        Awaitility.await("order-3 serves gateway traffic")
                .atMost(ROTATION_WINDOW)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> accessLinesFor("order-3", "POST /api/orders") > linesBefore);
        assertThat(Duration.ofNanos(System.nanoTime() - readyAt)).isLessThanOrEqualTo(ROTATION_WINDOW);
        List<Attempt> afterWindow = attempts.stream()
                .filter(a -> a.sentAtNanos() - killedAt > ROTATION_WINDOW.toNanos())
                .toList();
        assertThat(afterWindow).isNotEmpty();
        assertThat(afterWindow)
                .as("no request sent 10 s after the kill reaches the dead instance")
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(202));

        // a hung instance (SIGSTOP: alive, answering nothing) fails its readiness probe and leaves the rotation too
        Process first = processes.get("order");
        signal(first, "STOP");
        long pausedAt = System.nanoTime();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> attempts.stream()
                                    .filter(a -> a.sentAtNanos() - pausedAt > ROTATION_WINDOW.toNanos() + 5e9)
                                    .count()
                            >= 20);
        } finally {
            signal(first, "CONT");
        }
        loading.set(false);
        load.join(30_000);
        assertThat(attempts.stream().filter(a -> a.sentAtNanos() - pausedAt > ROTATION_WINDOW.toNanos()))
                .as("no request sent 10 s after the instance hung waits on it")
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(202));
        List<String> accepted = attempts.stream()
                .filter(a -> a.status() == 202)
                .map(Attempt::orderId)
                .toList();
        assertThat(accepted).hasSizeGreaterThan(50);
        Set<String> unfinished = ConcurrentHashMap.newKeySet();
        unfinished.addAll(accepted);
        Awaitility.await("every accepted order finishes")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    unfinished.removeAll(database.sql("select id from orders.purchase_order where id = any(?) "
                                    + "and status in ('completed', 'failed', 'cancelled')")
                            .param(unfinished.toArray(String[]::new))
                            .query(String.class)
                            .list());
                    return unfinished.isEmpty();
                });
        assertThat(database.sql("select count(*) from orders.purchase_order where id = any(?) and status = 'completed'")
                        .param(accepted.toArray(String[]::new))
                        .query(Long.class)
                        .single())
                .isEqualTo(accepted.size());
        OrderScenarios.awaitUntilAsserted(
                () -> assertThat(Invariants.violations(database)).isEmpty());
    }

    /** SIGSTOP / SIGCONT, through kill(1): the JDK can only terminate a process. */
    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
                .as("kill -" + signal)
                .isTrue();
    }

    private static void sleepQuietly(Duration pause) {
        LockSupport.parkNanos(pause.toNanos());
    }

    private static long accessLines(String name) throws IOException {
        return accessLinesFor(name, "");
    }

    /** Access-log lines (logger orderflow.access) in a process's log whose message contains {@code what}. */
    private static long accessLinesFor(String name, String what) throws IOException {
        Path log = logs.resolve(name + ".log");
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("\"orderflow.access\"") && l.contains(what))
                    .count();
        }
    }

    private static long validateOrdersAtTheCatalog() {
        return database.sql("select count(*) from catalog.inbox where type = 'ValidateOrder'")
                .query(Long.class)
                .single();
    }

    private static boolean logsMention(String name, String text) throws IOException {
        Path log = logs.resolve(name + ".log");
        return Files.exists(log)
                && Files.readString(log, StandardCharsets.UTF_8).contains(text);
    }

    private static void launch(String modules, String name) throws IOException {
        int port = ports.containsKey(name) ? ports.get(name) : TestInfrastructure.freePort();
        List<String> command = new ArrayList<>(
                PackagedJar.launch().command(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")));
        command.add("--eureka.instance.ip-address=127.0.0.1");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPRING_PROFILES_ACTIVE", "distributed");
        env.put("ORDERFLOW_MODULES", modules);
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SPRING_DATASOURCE_URL", databaseUrl);
        env.put("SPRING_DATASOURCE_USERNAME", TestInfrastructure.PG_USER);
        env.put("SPRING_DATASOURCE_PASSWORD", TestInfrastructure.PG_PASSWORD);
        env.put("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "6");
        env.put("SPRING_DATASOURCE_HIKARI_MINIMUMIDLE", "1"); // connections as needed (RunningApp)
        env.put("SPRING_RABBITMQ_HOST", TestInfrastructure.RABBIT_HOST);
        env.put("SPRING_RABBITMQ_PORT", TestInfrastructure.RABBIT_PORT);
        env.put("ORDERFLOW_MESSAGING_RABBITMQ_NAMESPACE", namespace);
        env.put("ORDERFLOW_CATALOG_CACHE_PREFIX", namespace);
        env.put("ORDERFLOW_PAYMENT_PROVIDER_SLOWCARDLATENCY", "6s");
        env.put("ORDERFLOW_SECURITY_OPERATOR_CLIENTSECRET", TestTokens.OPERATOR_SECRET);
        env.put("ORDERFLOW_SECURITY_DATADIR", logs.toString());
        env.put("ORDERFLOW_DISCOVERY_URL", "http://127.0.0.1:" + ports.get("edge") + "/eureka/");
        env.put("ORDERFLOW_RATELIMIT_KEYPREFIX", "orderflow-it-" + UUID.randomUUID() + ":");
        // instances are killed and started under load here: admission control (tested on its own) must not refuse
        env.put("ORDERFLOW_ADMISSION_ENABLED", "false");
        for (String routeClass : List.of("SIGNIN", "REGISTER", "PLACEORDER", "READS", "WRITES")) {
            env.put("ORDERFLOW_RATELIMIT_CLASSES_" + routeClass + "_CAPACITY", "1000000");
        }
        processes.put(name, builder.start());
        ports.put(name, port);
    }

    private static void awaitHealthy(String name) {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + ports.get(name) + "/api/health");
        Awaitility.await(name + " healthy (log: " + logs.resolve(name + ".log") + ")")
                .atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    assertThat(processes.get(name).isAlive())
                            .as(name + " process alive")
                            .isTrue();
                    return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200;
                });
    }

    /** SIGTERM to each (a graceful shutdown), then SIGKILL to any still running 15 s later. */
    private static void terminate(List<Process> group) {
        group.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Process process : group) {
            try {
                if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
