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
 * The server's upkeep counted from real servers: the local one (the tests' PostgreSQL, whichever version, its
 * checkpoints in {@code pg_stat_bgwriter} before 17) and the one the embedded mode starts (18, in
 * {@code pg_stat_checkpointer}), whose autovacuum is made quick enough to watch.
 */
class UpkeepIntegrationTest {

    @Test
    void countsACheckpointOfTheLocalServer() {
        String url = TestInfrastructure.createDatabase("orderflow_upkeep");
        try {
            JdbcClient jdbc = JdbcClient.create(
                    new DriverManagerDataSource(url, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD));
            Upkeep upkeep = Upkeep.of(jdbc);
            Upkeep.Sample before = upkeep.sample();

            jdbc.sql("checkpoint").update();

            Awaitility.await("the checkpoint counted")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> upkeep.sample().checkpoints() > before.checkpoints());
        } finally {
            TestInfrastructure.dropDatabase(url);
        }
    }

    @Test
    void countsTheEmbeddedServersAutovacuumAndCheckpoints() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("autovacuum_naptime", "1s")
                .start()) {
            JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
            assertThat(Db.serverVersionNum(jdbc))
                    .as("the embedded server counts its checkpoints in pg_stat_checkpointer")
                    .isGreaterThanOrEqualTo(170000);
            Upkeep upkeep = Upkeep.of(jdbc);
            Upkeep.Sample before = upkeep.sample();

            // far more rows than autovacuum's thresholds (50 changed rows and a tenth of the table for an analyze,
            // 1,000 inserted for a vacuum): its next round, within a second, vacuums and analyzes the table
            jdbc.sql("create table upkeep_probe (id int primary key, note text)")
                    .update();
            jdbc.sql("insert into upkeep_probe select g, 'row ' || g from generate_series(1, 5000) g")
                    .update();
            jdbc.sql("checkpoint").update();

            Awaitility.await("autovacuum's vacuum and analyze of the table, and the checkpoint, counted")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        Upkeep.Sample now = upkeep.sample();
                        return now.vacuums() > before.vacuums()
                                && now.analyzes() > before.analyzes()
                                && now.checkpoints() > before.checkpoints();
                    });
            Map<String, Object> during = Upkeep.between(before, upkeep.sample());

            assertThat((Long) during.get("autovacuum_vacuums")).isPositive();
            assertThat((Long) during.get("autovacuum_analyzes")).isPositive();
            assertThat((Long) during.get("checkpoints_started")).isPositive();
            assertThat(Upkeep.cell(Map.of("db_upkeep", during))).matches("[1-9][0-9]* / [1-9][0-9]* / [1-9][0-9]*");
        }
    }
}
