package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.TestInfrastructure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The WAL flushes read from a real server: the local one (the tests' PostgreSQL, whichever version) and the one the
 * embedded mode starts (18, which counts them in {@code pg_stat_io}).
 */
class WalFlushesIntegrationTest {

    @Test
    void readsTheFlushesOfADatabaseWhoseSessionsTimeThem() {
        String url = TestInfrastructure.createDatabase("orderflow_wal");
        try {
            JdbcClient admin = client(url);
            String name =
                    admin.sql("select current_database()").query(String.class).single();
            admin.sql("alter database " + name + " set track_wal_io_timing = off")
                    .update();
            try (WalFlushes untimed = WalFlushes.start(client(url))) {
                assertThat(untimed.timed()).as("sessions that do not time them").isFalse();
            }

            admin.sql("alter database " + name + " set track_wal_io_timing = on")
                    .update();
            JdbcClient timed = client(url); // a new session, which takes the database's setting

            assertFlushesCounted(timed);
        } finally {
            TestInfrastructure.dropDatabase(url);
        }
    }

    @Test
    void readsTheFlushesOfTheEmbeddedServer() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                // durable commits as the embedded mode runs them (this library's defaults are off)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("track_wal_io_timing", "on")
                .start()) {
            JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());

            assertThat(Db.serverVersionNum(jdbc))
                    .as("the embedded server counts its flushes in pg_stat_io")
                    .isGreaterThanOrEqualTo(180000);
            assertFlushesCounted(jdbc);
        }
    }

    /** Commits that each flush the WAL show in the counters, with their time. */
    private static void assertFlushesCounted(JdbcClient jdbc) {
        try (WalFlushes flushes = WalFlushes.start(jdbc)) {
            assertFlushesCounted(jdbc, flushes);
        }
    }

    private static void assertFlushesCounted(JdbcClient jdbc, WalFlushes flushes) {
        assertThat(flushes.timed()).isTrue();
        WalFlushes.Sample before = flushes.sample();
        jdbc.sql("create table if not exists wal_probe (id serial primary key, at timestamptz default now())")
                .update();
        for (int i = 0; i < 20; i++) { // each insert its own transaction, each commit a flush (synchronous_commit on)
            jdbc.sql("insert into wal_probe default values").update();
        }
        // a connection per statement here: each backend adds its counts to the server's as it exits
        Awaitility.await("the 20 commits' flushes counted")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> flushes.sample().flushes() - before.flushes() >= 20);
        WalFlushes.Sample after = flushes.sample();

        Map<String, Object> summary = flushes.between(before, after);

        assertThat(summary).isNotNull();
        assertThat((Long) summary.get("flushes")).isGreaterThanOrEqualTo(20);
        assertThat(after.flushMillis() - before.flushMillis())
                .as("the flushes timed")
                .isPositive();
        assertThat(Benchmark.walFlushCell(Map.of("cpu", Map.of("wal_flush_ms", summary))))
                .matches("[0-9.]+ / [0-9.]+");
    }

    private static JdbcClient client(String url) {
        return JdbcClient.create(
                new DriverManagerDataSource(url, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD));
    }
}
