package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UpkeepUnitTest {

    @Test
    void readsTheCheckpointsWhereTheServersVersionKeepsThem() {
        assertThat(Upkeep.checkpointsQuery(150020)).contains("pg_stat_bgwriter");
        assertThat(Upkeep.checkpointsQuery(160000)).contains("pg_stat_bgwriter");
        assertThat(Upkeep.checkpointsQuery(170000)).contains("pg_stat_checkpointer");
        assertThat(Upkeep.checkpointsQuery(180006)).contains("pg_stat_checkpointer");
    }

    @Test
    void countsWhatHappenedBetweenTwoSamples() {
        Map<String, Object> during = Upkeep.between(new Upkeep.Sample(10, 20, 3), new Upkeep.Sample(12, 27, 4));

        assertThat(during)
                .containsEntry("autovacuum_vacuums", 2L)
                .containsEntry("autovacuum_analyzes", 7L)
                .containsEntry("checkpoints_started", 1L);
        assertThat(Upkeep.cell(Map.of("db_upkeep", during))).isEqualTo("2 / 7 / 1");
    }

    @Test
    void countsNothingWhenTheServersStatisticsWereReset() {
        Map<String, Object> during = Upkeep.between(new Upkeep.Sample(10, 20, 3), new Upkeep.Sample(0, 1, 0));

        assertThat(Upkeep.cell(Map.of("db_upkeep", during))).isEqualTo("0 / 0 / 0");
    }

    @Test
    void showsADashForResultsWithoutTheCounts() {
        assertThat(Upkeep.cell(Map.of())).isEqualTo("–");
    }
}
