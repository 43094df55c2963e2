package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The checker against real data: orderflow (all modules, PostgreSQL transport) on a fresh database of the
 * local PostgreSQL, loaded by the benchmark's own load generator with every outcome in the mix. The data
 * passes; then it is corrupted in ways the system must never produce, and each corruption is reported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InvariantCheckerIntegrationTest {

    static final String PG_URL = env("ORDERFLOW_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String PG_USER = env("ORDERFLOW_TEST_PG_USER", "postgres");
    static final String PG_PASSWORD = env("ORDERFLOW_TEST_PG_PASSWORD", "");

    static String database;
    static String url;
    static ConfigurableApplicationContext app;
    static JdbcClient jdbc;
    static InvariantChecker checker;
    static Map<String, Long> baseline;

    @BeforeAll
    static void loadOrders() throws Exception {
        database = "orderflow_checker_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("create database " + database);
        int slash = PG_URL.lastIndexOf('/');
        url = PG_URL.substring(0, slash + 1) + database;
        app = CheckedApp.start(url, PG_USER, PG_PASSWORD);
        Db db = new Db(url, PG_USER, PG_PASSWORD);
        checker = new InvariantChecker(db.dataSource());
        jdbc = JdbcClient.create(db.dataSource());
        List<String> skus = Benchmark.setUpSkus(jdbc, 20);
        baseline = checker.stockTotals();

        LoadGenerator load = new LoadGenerator(
                CheckedApp.baseUrl(app),
                skus,
                LoadGenerator.Mix.parse("declined=0.2,out_of_stock=0.15,shipping_failure=0.15,cancel=0.2"));
        LoadGenerator.Phase phase =
                load.closedLoop("it", "it-", 4, Duration.ofSeconds(4), new LoadGenerator.Progress(() -> 0));
        assertThat(phase.accepted.get()).isGreaterThan(20);
        assertThat(phase.errorsByKind()).isEmpty();
        assertThat(checker.awaitDrained(Duration.ofSeconds(60), null)).isTrue();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (app != null) {
            app.close();
        }
        if (database != null) {
            admin("drop database if exists " + database + " with (force)");
        }
    }

    @Test
    @Order(0)
    void readsTheTimeOfEveryHopFromTheJournal() {
        // the journal is written in batches after each commit (every 200 ms): wait for the saga's last hops in it
        List<Hops.Hop> hops = Awaitility.await("the loaded orders' hops in the journal")
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> Hops.of(jdbc, "it-"),
                        found -> found.stream()
                                .anyMatch(h -> h.module().equals("shipping")
                                        && h.type().equals("CreateShipment")));

        assertThat(hops)
                .extracting(Hops.Hop::module, Hops.Hop::type)
                .contains(tuple("inventory", "ReserveStock"), tuple("payment", "ChargePayment"));
        assertThat(hops).allSatisfy(h -> {
            assertThat(h.deliveries()).isPositive();
            assertThat(h.queueP50()).isBetween(0.0, h.queueP90());
            assertThat(h.handlerP50()).isBetween(0.0, h.handlerP90());
        });
        // slowest first, by the sum of the medians
        assertThat(hops).extracting(Hops.Hop::medians).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(Hops.markdown(Hops.toMaps(hops))).contains("| inventory | ReserveStock | ");
        assertThat(Hops.of(jdbc, "no-such-phase-")).isEmpty();
    }

    @Test
    @Order(0)
    void findsTheWindowsInWhichDeliveriesWaitedLong() {
        String window = "2026-01-01T00:00:00";
        // window 1: five slow deliveries of two modules (and one quick one); window 2: one slow delivery
        journal("orders", "order", "applied", "slow-1", window + ".100Z", 60);
        journal("orders", "order", "applied", "slow-2", window + ".150Z", 70);
        journal("orders", "order", "applied", "slow-3", window + ".200Z", 195);
        journal("orders", "order", "applied", "slow-4", window + ".120Z", 10);
        journal("inventory", "inventory", "applied", "slow-1", window + ".050Z", 80);
        journal("inventory", "inventory", "applied", "slow-2", window + ".240Z", 80);
        journal("inventory", "inventory", "applied", "slow-3", "2026-01-01T00:00:05.000Z", 55);
        // another phase's order, and a message sent rather than applied: not counted
        journal("inventory", "inventory", "applied", "other-1", window + ".100Z", 500);
        journal("orders", "order", "sent", "slow-5", window + ".100Z", 300);
        try {
            Map<String, Object> slow = Hops.slowDeliveries(jdbc, "slow-", 3);

            assertThat(slow).containsEntry("deliveries", 6L);
            assertThat(slow.get("windows"))
                    .isEqualTo(List.of(
                            Map.of(
                                    "start",
                                    "2026-01-01T00:00:00Z",
                                    "deliveries",
                                    5L,
                                    "modules",
                                    2L,
                                    "longest_queue_ms",
                                    195.0),
                            Map.of(
                                    "start",
                                    "2026-01-01T00:00:05Z",
                                    "deliveries",
                                    1L,
                                    "modules",
                                    1L,
                                    "longest_queue_ms",
                                    55.0)));
            assertThat(Hops.slowDeliveriesLine(slow))
                    .isEqualTo("Deliveries that waited more than 50 ms in queue: 6; the fullest windows of 250 ms: "
                            + "2026-01-01T00:00:00Z (5 deliveries from 2 modules, up to 195 ms), "
                            + "2026-01-01T00:00:05Z (1 delivery from 1 module, up to 55.0 ms).\n");
            assertThat(Hops.slowDeliveries(jdbc, "no-such-phase-", 3))
                    .containsEntry("deliveries", 0L)
                    .containsEntry("windows", List.of());
        } finally {
            for (String schema : List.of("orders", "inventory")) {
                jdbc.sql("delete from " + schema + ".journal where order_id like 'slow-%' or order_id like 'other-%'")
                        .update();
            }
        }
    }

    private static void journal(String schema, String module, String kind, String orderId, String at, double queueMs) {
        jdbc.sql("insert into " + schema
                        + ".journal (at, module, instance, kind, message_id, type, order_id, queue_ms, "
                        + "handler_ms) values (?::timestamptz, ?, 'it', ?, ?, 'ReserveStock', ?, ?, 1)")
                .params(at, module, kind, UUID.randomUUID(), orderId, queueMs)
                .update();
    }

    @Test
    @Order(1)
    void findsNothingWrongWithWhatTheSystemProduced() {
        InvariantChecker.Result result = checker.checkSettled(baseline, Duration.ofSeconds(10));

        assertThat(result.messages()).isEmpty();
        assertThat(result.stats()).containsKeys("orders_completed", "orders_failed");
        assertThat(checker.inFlight().values()).containsOnly(0L);
    }

    @Test
    @Order(2)
    void reportsEveryCorruption() {
        app.close(); // nothing may repair or add data from here on
        String completed = orderIn("completed", 0);
        String otherCompleted = orderIn("completed", 1);
        String thirdCompleted = orderIn("completed", 2);
        String fourthCompleted = orderIn("completed", 3);
        String declined = jdbc.sql(
                        "select order_id from payment.payment where status = 'declined' order by order_id " + "limit 1")
                .query(String.class)
                .single();

        // a payment amount wrong
        jdbc.sql("update payment.payment set amount = amount + 1 where order_id = ?")
                .param(completed)
                .update();
        // an event deleted: a gap in the history
        jdbc.sql("delete from orders.order_event where order_id = ? and sequence = 3")
                .param(otherCompleted)
                .update();
        // a reservation held by a failed order (its stock is released: the lines no longer match either)
        jdbc.sql("update inventory.reservation set status = 'reserved' where order_id = ?")
                .param(declined)
                .update();
        // stock appearing from nowhere
        jdbc.sql("update inventory.stock set available = available + 5 where sku = 'BENCH-0001'")
                .update();
        // a step skipped: pending straight to shipping
        jdbc.sql("update orders.order_event set status = 'shipping' where order_id = ? and sequence = 2")
                .param(thirdCompleted)
                .update();
        // a shipment for an order that failed
        jdbc.sql(
                        "insert into shipping.shipment (order_id, tracking_number, carrier, status) values (?, 'TRKBOGUS', "
                                + "'x', 'created') on conflict (order_id) do update set status = 'created', tracking_number = 'TRKBOGUS'")
                .param(declined)
                .update();
        // a notification applied twice
        jdbc.sql(
                        "insert into notification.notification (order_id, recipient, subject, body) "
                                + "select order_id, recipient, subject, body from notification.notification where order_id = ? limit 1")
                .param(thirdCompleted)
                .update();
        // a second charge: the order's history records a payment under another payment id
        jdbc.sql("insert into orders.order_event (order_id, sequence, type, status, occurred_at, details) "
                        + "select order_id, max(sequence) + 1, 'payment_charged', 'completed', now(), "
                        + "'{\"payment_id\": \"pay_second\"}'::jsonb from orders.order_event where order_id = ? "
                        + "group by order_id")
                .param(fourthCompleted)
                .update();
        // history of an order that is not there, and a reservation line of neither a reservation nor a SKU
        jdbc.sql("insert into orders.order_event (order_id, sequence, type, status, occurred_at) "
                        + "values ('no-such-order', 1, 'order_placed', 'pending', now())")
                .update();
        jdbc.sql("insert into inventory.reservation_line (order_id, sku, quantity) values ('no-such-order', "
                        + "'NO-SUCH-SKU', 1)")
                .update();
        // a message never published
        jdbc.sql("insert into payment.outbox (message_id, type, version, order_id, occurred_at, payload) "
                        + "values (?, 'payment.PaymentCharged', 1, ?, now(), '{}'::jsonb)")
                .params(UUID.randomUUID(), completed)
                .update();

        InvariantChecker.Result result = checker.check(baseline);

        assertThat(result.violations())
                .extracting(InvariantChecker.Violation::rule)
                .contains(
                        "money: charged - refunded != sum of completed totals",
                        "completed order not charged exactly its total",
                        "history with a gap (sequences not 1..n with n = version)",
                        "terminal order still holds a reservation",
                        "stock reserved/shipped differ from the reservation lines",
                        "stock not conserved (initial != available + reserved + shipped)",
                        "history is not a legal walk of the saga",
                        "shipment does not match the order's outcome",
                        "terminal order without exactly 2 notifications (placed + outcome; none without an e-mail "
                                + "address): a message lost or applied twice",
                        "order charged twice (payment_charged with more than one payment id)",
                        "payment outbox not drained",
                        "history of an unknown order",
                        "reservation line without its reservation or its stock");
        assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains("no-such-order NO-SUCH-SKU"));
        assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains(fourthCompleted + " x2"));
        assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains(completed, "payment charged"));
        assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains(thirdCompleted, "pending -> shipping"));
        assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains("BENCH-0001 initial"));
        assertThat(checker.inFlight().get("outbox")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void reportsAnAcceptedOrderThatIsNotStored() {
        String stored = orderIn("failed", 0);

        InvariantChecker.Violation lost = checker.lostOrders(List.of(stored, "it-answered-202-never-stored"));

        assertThat(lost).isNotNull();
        assertThat(lost.count()).isEqualTo(1);
        assertThat(lost.examples()).containsExactly("it-answered-202-never-stored");
        assertThat(checker.lostOrders(List.of(stored))).isNull();
    }

    @Test
    @Order(4)
    void exitsWithOneWhenAnInvariantIsViolated() {
        int code =
                Tools.check(new Args(new String[] {"--db-url", url, "--db-user", PG_USER, "--drain-timeout", "1s"}, 0));

        assertThat(code).isEqualTo(1);
    }

    private static String orderIn(String status, int index) {
        return jdbc.sql("select id from orders.purchase_order where status = ? order by id offset ? limit 1")
                .params(status, index)
                .query(String.class)
                .single();
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql); // a generated name of [a-z0-9_]: CREATE/DROP DATABASE take no parameters
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
