package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.Transport;
import io.orderflow.messaging.TransportFaults;
import io.orderflow.messaging.TransportFaultsAccess;
import io.orderflow.platform.SampledGauges;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis Streams, with every module in one process so the test can reach every bean. */
class RedisTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    // the slow card keeps the payment consumer inside its transaction long enough for the test to find and kill it
    @RegisterExtension
    static final LocalApp local = LocalApp.onRedis(Map.of("orderflow.payment.provider.slow-card-latency", "5s"));

    @Override
    RunningApp app() {
        return local.app();
    }

    @Test
    void holdsBackAMessageInTheModulesRetrySetWhileReorderingThenDeliversIt() {
        // the chaos fault reorder: a seed whose first message is held back at least a second
        long seed = 0;
        while (new TransportFaults.HoldBack(1, Duration.ofMillis(1500), seed)
                        .next()
                        .toMillis()
                < 1000) {
            seed++;
        }
        String orderId = "held-" + UUID.randomUUID();
        Envelope reserve = TestMessages.reserveStock(orderId);
        TransportFaults faults = app().bean(TransportFaults.class);
        String retrySet = local.redisPrefix() + ":inventory:retry";
        RedisClient client = RedisClient.create(TestInfrastructure.REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            TransportFaultsAccess.reorder(faults, new TransportFaults.HoldBack(1, Duration.ofMillis(1500), seed));
            try {
                app().bean(Transport.class).publish(List.of(reserve));
            } finally {
                TransportFaultsAccess.reorder(faults, null);
            }
            // not on the stream yet: waiting in the retry set, due after its delay, as a first delivery
            assertThat(connection.sync().zrange(retrySet, 0, -1))
                    .anySatisfy(member -> assertThat(member)
                            .contains(reserve.messageId().toString())
                            .doesNotContain("attempts"));
            Awaitility.await("the held-back reservation applied")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> reservedLines(orderId) == 1L);
            assertThat(connection.sync().zrange(retrySet, 0, -1))
                    .noneMatch(member -> member.contains(reserve.messageId().toString()));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void trimsAcknowledgedEntriesAndReportsTheStreamsGauges() {
        String orderId = "trim-" + UUID.randomUUID();
        // one message delivered 300 times: applied once, then 299 duplicates acknowledged
        Envelope reserve = TestMessages.reserveStock(orderId);
        Transport transport = app().bean(Transport.class);
        transport.publish(Collections.nCopies(300, reserve));

        String stream = local.redisPrefix() + ":inventory";
        RedisClient client = RedisClient.create(TestInfrastructure.REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            // acknowledged entries are trimmed by whole internal nodes (at most 100 entries each)
            Awaitility.await("the inventory stream trimmed")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> connection.sync().xlen(stream) <= 100
                            && transport.backlog().get(stream) == 0L);
        } finally {
            client.shutdown();
        }
        assertThat(reservedLines(orderId)).isEqualTo(1L);

        app().bean(SampledGauges.class).sampleNow();
        MeterRegistry meters = app().bean(MeterRegistry.class);
        for (String gauge : new String[] {
            "orderflow.redis.stream.length",
            "orderflow.redis.stream.pending",
            "orderflow.redis.stream.oldest_pending_age",
            "orderflow.redis.retry.waiting"
        }) {
            assertThat(meters.find(gauge).tag("module", "inventory").gauge())
                    .as(gauge)
                    .isNotNull();
        }
        assertThat(meters.find("orderflow.consumer.lag")
                        .tags("queue", stream, "transport", "redis")
                        .gauge())
                .isNotNull();
    }

    private long reservedLines(String orderId) {
        return app().jdbc()
                .sql("select count(*) from inventory.reservation_line where order_id = ?")
                .param(orderId)
                .query(Long.class)
                .single();
    }
}
