package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's Redis ceiling against the local Redis (redis-benchmark on the PATH, as redis-server is for the
 * transport's fault tests): every added entry is read and acknowledged, and the stream is gone afterwards.
 */
class RedisCeilingIntegrationTest {

    static final String REDIS_URL = System.getenv().getOrDefault("ORDERFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    @Test
    void addsThenReadsAndAcknowledgesEveryEntryOnAStreamItDeletes(@TempDir Path dir) {
        Map<String, Object> result = Ceiling.redisBenchmark("redis-benchmark", REDIS_URL, 2_000, dir);

        assertThat(result).doesNotContainKey("error");
        assertThat(result.get("entries_added")).isEqualTo(2_000L);
        assertThat(result.get("entries_left_unacknowledged")).isEqualTo(0L);
        double published = (Double) result.get("published_per_second");
        double consumed = (Double) result.get("consumed_per_second");
        assertThat((Double) result.get("messages_per_second")).isPositive().isLessThan(Math.min(published, consumed));
        assertThat(result.get("command").toString()).contains("XADD", "EVALSHA").doesNotContain("order_id");
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().exists(result.get("stream").toString()))
                    .isZero();
        } finally {
            client.shutdown();
        }
    }
}
