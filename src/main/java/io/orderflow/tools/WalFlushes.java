package io.orderflow.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How long PostgreSQL took to flush its write-ahead log to disk, read from the server's own counters every second
 * while the benchmark runs. Every commit waits for such a flush ({@code synchronous_commit = on}), and so does a
 * broker's persistent publish for its own: a latency tail that comes with slow flushes was held up by the disk, not
 * by a step of the application nor by a lack of cores ({@link WakeUpDelays} shows that other kind).
 *
 * <p>The counters are timed only with {@code track_wal_io_timing} on (the benchmark turns it on for its own database
 * or server); without it, or on a server older than PostgreSQL 14, there is nothing to read and the results say so.
 * PostgreSQL 14-17 count in {@code pg_stat_wal}, 18 and later in {@code pg_stat_io}. The counters are the whole
 * server's, so another database's commits on the same server count too.
 */
final class WalFlushes implements AutoCloseable {

    /**
     * How often the counters are read. Each backend adds its flushes to them at the end of a transaction at most once
     * a second, so a shorter interval would split one backend's second between two readings.
     */
    static final long INTERVAL_MILLIS = 1_000;
    /**
     * The longest mean flush of one interval recorded, in microseconds (longer ones count as this), each within a
     * tenth of a per cent.
     */
    private static final long HIGHEST_MICROS = 60_000_000L;

    /** The server's counters at one moment: flushes, their total time, and the intervals' means so far. */
    record Sample(long flushes, double flushMillis, Histogram intervalMeans) {}

    private final @Nullable JdbcClient jdbc;
    private final @Nullable String counters;
    private final Histogram intervalMeanMicros = new SynchronizedHistogram(HIGHEST_MICROS, 3);
    private @Nullable Thread reader;

    private WalFlushes(@Nullable JdbcClient jdbc, @Nullable String counters) {
        this.jdbc = jdbc;
        this.counters = counters;
    }

    /**
     * Reads the server's flush counters every {@link #INTERVAL_MILLIS} from now on, on a daemon thread of its own; a
     * recorder that reads nothing when the server does not time its flushes ({@link #timed()} false).
     */
    static WalFlushes start(JdbcClient jdbc) {
        String counters = countersQuery(jdbc);
        WalFlushes flushes = new WalFlushes(jdbc, counters);
        if (counters != null) {
            Thread thread = new Thread(flushes::run, "wal-flushes");
            thread.setDaemon(true);
            flushes.reader = thread;
            thread.start();
        }
        return flushes;
    }

    /** Stops reading. */
    @Override
    public void close() {
        if (reader != null) {
            reader.interrupt();
        }
    }

    /** Records nothing. */
    static WalFlushes none() {
        return new WalFlushes(null, null);
    }

    /** Whether the server times its WAL flushes, so that there is something to read. */
    boolean timed() {
        return counters != null;
    }

    /**
     * The query of the flushes and their milliseconds for this server, or null when it does not time them: before
     * PostgreSQL 14 there are no such counters, and with {@code track_wal_io_timing} off their time stays 0.
     */
    static @Nullable String countersQuery(JdbcClient jdbc) {
        int version = Db.serverVersionNum(jdbc);
        boolean timing = jdbc.sql("select current_setting('track_wal_io_timing') = 'on'")
                .query(Boolean.class)
                .single();
        if (!timing || version < 140000) {
            return null;
        }
        return version >= 180000
                ? "select coalesce(sum(fsyncs), 0)::bigint, coalesce(sum(fsync_time), 0)::float8 from pg_stat_io "
                        + "where object = 'wal'"
                : "select wal_sync, wal_sync_time::float8 from pg_stat_wal";
    }

    private void run() {
        @Nullable Sample previous = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                TimeUnit.MILLISECONDS.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                Sample now = sample();
                if (previous != null) {
                    record(previous, now);
                }
                previous = now;
            } catch (RuntimeException e) { // the pool closing at the end, or the server away a moment: read again
                previous = null;
            }
        }
    }

    /** Records the mean flush of the interval between two readings, when it had any. */
    void record(Sample previous, Sample now) {
        long flushes = now.flushes() - previous.flushes();
        if (flushes > 0) {
            double meanMicros = (now.flushMillis() - previous.flushMillis()) * 1000 / flushes;
            intervalMeanMicros.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, Math.round(meanMicros))));
        }
    }

    /** The server's counters now, with the intervals recorded so far; zeros when nothing is read. */
    Sample sample() {
        if (jdbc == null || counters == null) {
            return new Sample(0, 0, intervalMeanMicros.copy());
        }
        return jdbc.sql(counters)
                .query((rs, n) -> new Sample(rs.getLong(1), rs.getDouble(2), intervalMeanMicros.copy()))
                .single();
    }

    /**
     * The flushes between two samples: their count, their mean and the worst interval's mean in milliseconds; null
     * when nothing was read.
     */
    @Nullable
    Map<String, Object> between(Sample a, Sample b) {
        if (!timed()) {
            return null;
        }
        return summary(a, b);
    }

    static Map<String, Object> summary(Sample a, Sample b) {
        long flushes = b.flushes() - a.flushes();
        Histogram intervals = b.intervalMeans().copy();
        intervals.subtract(a.intervalMeans());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flushes", flushes);
        m.put("mean", flushes == 0 ? 0.0 : Benchmark.round((b.flushMillis() - a.flushMillis()) / flushes));
        m.put(
                "worst_interval_mean",
                intervals.getTotalCount() == 0 ? 0.0 : Benchmark.round(intervals.getMaxValue() / 1000.0));
        m.put("interval_ms", INTERVAL_MILLIS);
        return m;
    }
}
