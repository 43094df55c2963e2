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
    private final String checkpoints;

    private Upkeep(JdbcClient jdbc, String checkpoints) {
        this.jdbc = jdbc;
        this.checkpoints = checkpoints;
    }

    /** Reads the counters of the server {@code jdbc} connects to, in the way its version keeps them. */
    static Upkeep of(JdbcClient jdbc) {
        int version = jdbc.sql("select current_setting('server_version_num')::int")
                .query(Integer.class)
                .single();
        return new Upkeep(jdbc, checkpointsQuery(version));
    }

    static String checkpointsQuery(int serverVersionNum) {
        return serverVersionNum >= 170000
                ? "select num_timed + num_requested from pg_stat_checkpointer"
                : "select checkpoints_timed + checkpoints_req from pg_stat_bgwriter";
    }

    Sample sample() {
        long[] tables = jdbc.sql("select coalesce(sum(autovacuum_count), 0)::bigint, "
                        + "coalesce(sum(autoanalyze_count), 0)::bigint from pg_stat_all_tables")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        long started = jdbc.sql(checkpoints).query(Long.class).single();
        return new Sample(tables[0], tables[1], started);
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
