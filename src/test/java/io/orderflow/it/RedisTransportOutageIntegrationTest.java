package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.orderflow.platform.Modules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Redis Streams on a Redis of the test's own that is killed (SIGKILL) with orders in flight and started again on its
 * append-only file ({@code appendfsync always}): what was sent meanwhile waits in the outboxes, entries whose
 * acknowledgement did not reach Redis are taken over after the claim idle time, and every order completes with each
 * effect applied once.
 */
// the outage's invariant check runs before the second test reserves stock for an order that does not exist
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisTransportOutageIntegrationTest {

    static final int ORDERS = 10;
    /** Adds a ReserveStock entry and delivers it to a consumer that will never acknowledge it. */
    static final String HELD_BY_A_DEAD_CONSUMER =
            "redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'type', 'ReserveStock', 'version', '1', "
                    + "'order_id', ARGV[2], 'occurred_at', ARGV[3], 'payload', ARGV[4], 'headers', '{}') "
                    + "return redis.call('XREADGROUP', 'GROUP', 'inventory', 'dead-consumer', 'COUNT', 1, "
                    + "'STREAMS', KEYS[1], '>')";

    static final LocalRedis redis = newRedis();

    @RegisterExtension
    @Order(1)
    static final RedisServer server = new RedisServer();

    @RegisterExtension
    @Order(2)
    static final LocalApp local = LocalApp.onRedis(Map.of(
            "orderflow.redis.url", redis.url(),
            "orderflow.redis.claim-idle", "2s",
            "orderflow.saga.resend-after", "10m"));

    @Test
    @Order(1)
    void losesNothingAndAppliesNothingTwiceWhenRedisIsKilledAndComesBack() throws Exception {
        RunningApp app = local.app();
        OrderApi api = new OrderApi(app.baseUrl());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            ids.add(api.placeAccepted(OrderApi.Orders.of("PROD-001", 1)));
        }

        redis.kill();
        for (int i = 0; i < ORDERS; i++) {
            ids.add(api.placeAccepted(OrderApi.Orders.of("PROD-002", 1)));
        }
        Awaitility.await("messages kept in the outbox while Redis is down")
                .atMost(Duration.ofSeconds(30))
                .until(() -> outboxRows(app.jdbc()) > 0);
        assertThat(ids.subList(ORDERS, 2 * ORDERS).stream()
                        .map(id -> api.order(id).path("status").asString()))
                .as("the orders placed during the outage wait")
                .doesNotContain("completed");

        redis.start();

        ids.forEach(id -> {
            var order = api.awaitStatus(id, "completed");
            OrderScenarios.assertGapFree(order);
        });
        JdbcClient jdbc = app.jdbc();
        Awaitility.await("nothing in flight")
                .atMost(Duration.ofSeconds(30))
                .until(() -> Invariants.inFlight(jdbc, false) == 0);
        // a message the relay has published is in Redis, where no database count sees it, until its consumer has
        // applied it (the notification's consumer may still be backing off from the outage): the final state
        Awaitility.await("every invariant holds once the last messages are applied")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Invariants.violations(jdbc)).isEmpty());
        String[] orders = ids.toArray(String[]::new);
        assertThat(count(
                        jdbc,
                        "select count(*) from payment.payment where order_id = any(?) and status = 'charged'",
                        orders))
                .isEqualTo(2L * ORDERS);
        assertThat(count(jdbc, "select count(*) from shipping.shipment where order_id = any(?)", orders))
                .isEqualTo(2L * ORDERS);
        assertThat(count(jdbc, "select count(*) from inventory.reservation_line where order_id = any(?)", orders))
                .isEqualTo(2L * ORDERS);
        for (String module : Modules.ALL) {
            assertThat(rows(jdbc, Modules.schemaOf(module) + ".dead_letter"))
                    .as(module + " dead letters")
                    .isZero();
        }
    }

    @Test
    @Order(2)
    void takesOverWhatADeadConsumerHeldAndAppliesItOnce() {
        RunningApp app = local.app();
        String orderId = "held-" + UUID.randomUUID();
        String stream = local.redisPrefix() + ":inventory";
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            // added and delivered to a consumer that then dies, in one script: no live consumer sees it first
            connection
                    .sync()
                    .eval(
                            HELD_BY_A_DEAD_CONSUMER,
                            ScriptOutputType.MULTI,
                            new String[] {stream},
                            UUID.randomUUID().toString(),
                            orderId,
                            Instant.now().toString(),
                            "{\"order_id\":\"" + orderId + "\",\"items\":[{\"sku\":\"PROD-003\",\"quantity\":1}]}");
            assertThat(connection.sync().xpending(stream, "inventory").getCount())
                    .isPositive();

            Awaitility.await("taken over after the claim idle time (2 s), applied and acknowledged")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> reservationLines(app.jdbc(), orderId) == 1
                            && connection.sync().xpending(stream, "inventory").getCount() == 0);
        } finally {
            client.shutdown();
        }
    }

    private static long reservationLines(JdbcClient jdbc, String orderId) {
        return jdbc.sql("select count(*) from inventory.reservation_line where order_id = ?")
                .param(orderId)
                .query(Long.class)
                .single();
    }

    private static long outboxRows(JdbcClient jdbc) {
        long rows = 0;
        for (String module : Modules.ALL) {
            rows += rows(jdbc, Modules.schemaOf(module) + ".outbox");
        }
        return rows;
    }

    /** Rows in a table of the registry's modules, 0 when the module has no such table. */
    private static long rows(JdbcClient jdbc, String table) {
        boolean exists = jdbc.sql("select to_regclass(?) is not null")
                .param(table)
                .query(Boolean.class)
                .single();
        return exists
                ? jdbc.sql("select count(*) from " + table).query(Long.class).single()
                : 0;
    }

    private static long count(JdbcClient jdbc, String sql, String[] orders) {
        return jdbc.sql(sql).param(orders).query(Long.class).single();
    }

    private static LocalRedis newRedis() {
        try {
            return new LocalRedis(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the test's Redis before the application and removes it after. */
    static final class RedisServer implements BeforeAllCallback, AfterAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            redis.start();
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            redis.close();
        }
    }
}
