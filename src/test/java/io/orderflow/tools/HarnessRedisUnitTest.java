package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's own Redis (distributed mode, {@code --transport redis}): a real {@code redis-server} on a free port
 * (about a second in all; {@code ORDERFLOW_TEST_REDIS_SERVER} names another binary; skipped where it is missing). What
 * the drain counts, and what a SIGKILL and a restart on the same directory keep.
 */
class HarnessRedisUnitTest {

    private static final String BINARY = System.getenv().getOrDefault("ORDERFLOW_TEST_REDIS_SERVER", "redis-server");

    @TempDir
    Path out;

    @Test
    void countsWhatIsInFlightAndKeepsItAcrossASigkill() throws Exception {
        assumeThat(onPath(BINARY)).as(BINARY + " on the PATH").isTrue();
        HarnessRedis redis = new HarnessRedis(BINARY, Chaos.freePort(), "always", out);
        RedisClient client = null;
        try {
            assertThat(redis.directory().getFileName().toString()).startsWith("orderflow-chaos-redis-");
            assertThat(redis.command()).containsSequence("--appendonly", "yes", "--appendfsync", "always");
            redis.start(Duration.ofSeconds(20));
            assertThat(redis.ping()).isEqualTo("+PONG");
            assertThat(redis.pid()).isPositive();
            assertThat(redis.pidLine()).isEqualTo("redis " + redis.pid() + " " + redis.directory());
            assertThat(redis.appArguments("ns"))
                    .containsExactly(
                            "--spring.profiles.active=distributed,redis",
                            "--orderflow.redis.url=" + redis.url(),
                            "--orderflow.redis.prefix=ns");

            client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                RedisCommands<String, String> r = c.sync();
                r.xgroupCreate(StreamOffset.from("ns:payment", "0"), "payment", new XGroupCreateArgs().mkstream(true));
                for (int i = 0; i < 3; i++) {
                    r.xadd("ns:payment", Map.of("n", Integer.toString(i)));
                }
                // two delivered, one of them acknowledged; one not yet delivered; one waiting for its retry
                var read = r.xreadgroup(
                        Consumer.from("payment", "c1"),
                        XReadArgs.Builder.count(2),
                        StreamOffset.lastConsumed("ns:payment"));
                r.xack("ns:payment", "payment", read.get(0).getId());
                r.zadd("ns:payment:retry", 1.0, "{}");
                r.xadd("other:payment", Map.of("n", "x")); // another run's key: not counted
            }
            Map<String, Long> expected = Map.of(
                    "ns:payment payment pending", 1L,
                    "ns:payment payment undelivered", 1L,
                    "ns:payment:retry", 1L);
            assertThat(redis.inFlight("ns")).containsExactlyInAnyOrderEntriesOf(expected);

            long before = redis.pid();
            redis.crash();
            assertThat(redis.pid()).isEqualTo(-1);
            assertThatThrownBy(() -> redis.inFlight("ns")).hasMessageContaining("does not answer");
            redis.start(Duration.ofSeconds(20));
            assertThat(redis.pid()).isPositive().isNotEqualTo(before);
            // appendfsync always: everything it answered is in its append-only file, the group's state included
            assertThat(redis.inFlight("ns")).containsExactlyInAnyOrderEntriesOf(expected);
            assertThat(redis.inFlight("none")).isEmpty();
        } finally {
            if (client != null) {
                client.shutdown();
            }
            redis.destroy();
        }
        assertThat(redis.pid()).isEqualTo(-1);
        assertThat(Files.exists(redis.directory())).isFalse();
        assertThat(out.resolve("redis-server.log")).exists();
    }

    @Test
    void fsyncIsAlwaysOrEverysec() {
        assertThatThrownBy(() -> new HarnessRedis("redis-server", 1, "no", out))
                .hasMessageContaining("always or everysec");
        assertThat(HarnessRedis.pairs(List.of("name", "payment", "pending", 2L)))
                .containsOnly(entry("name", "payment"), entry("pending", 2L));
    }

    private static boolean onPath(String binary) {
        if (binary.contains("/")) {
            return Files.isExecutable(Path.of(binary));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
