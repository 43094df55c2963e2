package io.orderflow.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database server's own upkeep during a phase: autovacuum's vacuums and analyzes of the run's database, and the
 * checkpoints the server started. Each is seconds of reading, writing and sorting on the machine the benchmark
 * measures, and a checkpoint makes the next change of every page write the whole page to the WAL: a latency tail in
 * a phase with any of them may be theirs (docs/benchmarks.md, twenty-second session).
 *
 * <p>Counted from the server's cumulative statistics: a table's vacuum or analyze counts when it ends, a checkpoint
 * when it starts. PostgreSQL 17 and later count checkpoints in {@code pg_stat_checkpointer}, older ones in
 * {@code pg_stat_bgwriter}; the checkpoints are the whole server's, the vacuums and analyzes the database's.
 */
final class Upkeep {

    /** The counters at one moment. */
    record Sample(long vacuums, long analyzes, long checkpoints) {}

    private final JdbcClient jdbc;
    /** All three counters in one statement, the checkpoints from where the server's version keeps them. */
    private final String counters;

    private Upkeep(JdbcClient jdbc, String counters) {
        this.jdbc = jdbc;
        this.counters = counters;
    }

    /** Reads the counters of the server {@code jdbc} connects to, in the way its version keeps them. */
    static Upkeep of(JdbcClient jdbc) {
        return new Upkeep(
                jdbc,
                "select coalesce(sum(autovacuum_count), 0)::bigint, coalesce(sum(autoanalyze_count), 0)::bigint, ("
                        + checkpointsQuery(Db.serverVersionNum(jdbc)) + ")::bigint from pg_stat_all_tables");
    }

    static String checkpointsQuery(int serverVersionNum) {
        return serverVersionNum >= 170000
                ? "select num_timed + num_requested from pg_stat_checkpointer"
                : "select checkpoints_timed + checkpoints_req from pg_stat_bgwriter";
    }

    Sample sample() {
        return jdbc.sql(counters)
                .query((rs, n) -> new Sample(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .single();
    }

    /** What happened between two samples, for a phase's results. */
    static Map<String, Object> between(Sample before, Sample after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("autovacuum_vacuums", Math.max(0, after.vacuums() - before.vacuums()));
        m.put("autovacuum_analyzes", Math.max(0, after.analyzes() - before.analyzes()));
        m.put("checkpoints_started", Math.max(0, after.checkpoints() - before.checkpoints()));
        return m;
    }

    /** The report's cell: vacuums / analyzes / checkpoints, or a dash for results that have none. */
    static String cell(Map<String, Object> phase) {
        if (!(phase.get("db_upkeep") instanceof Map<?, ?> upkeep)) {
            return "–";
        }
        return upkeep.get("autovacuum_vacuums") + " / " + upkeep.get("autovacuum_analyzes") + " / "
                + upkeep.get("checkpoints_started");
    }
}
