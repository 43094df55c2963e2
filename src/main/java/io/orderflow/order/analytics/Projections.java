package io.orderflow.order.analytics;

import io.orderflow.order.analytics.Projection.Tables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry of projections and what runs them: catching up with the order history (one bounded batch per
 * transaction, under the lock of the projection's checkpoint row, so one instance projects at a time) and replay
 * (rebuilding the tables from the events beside the live ones and swapping them in atomically).
 */
public final class Projections {

    private static final Logger log = LoggerFactory.getLogger(Projections.class);
    /** A replay that has not finished after this long is taken to have died with its process. */
    private static final Duration REPLAY_ABANDONED = Duration.ofHours(1);
    /** Catch-up rounds of a replay before it swaps: each round reads what was written during the one before. */
    private static final int BUILD_ROUNDS = 5;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final EventStream stream;
    private final Map<String, Projection> registry = new LinkedHashMap<>();
    private final int batchSize;
    /** Projections whose checkpoint row this process has made sure of. */
    private final Set<String> checkpointsCreated = ConcurrentHashMap.newKeySet();

    private final JsonMapper json = JsonMapper.builder().build();

    public Projections(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            EventStream stream,
            List<Projection> projections,
            int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("orderflow.projections.batch-size must be at least 1");
        }
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.stream = stream;
        this.batchSize = batchSize;
        projections.forEach(p -> registry.put(p.name(), p));
    }

    /** The projections there are, by name, in registration order. */
    public List<String> names() {
        return List.copyOf(registry.keySet());
    }

    public Optional<Projection> find(String name) {
        return Optional.ofNullable(registry.get(name));
    }

    private Projection require(String name) {
        return find(name).orElseThrow(() -> new UnknownProjectionException(name));
    }

    // --- catching up ----------------------------------------------------------------------------------------

    /** Catches every projection up with the settled history; returns the events applied. */
    public long catchUpAll() {
        long applied = 0;
        for (String name : registry.keySet()) {
            applied += catchUp(name, false);
        }
        return applied;
    }

    /**
     * Applies the settled events after the checkpoint, batch by batch, until there are none. Waits for the
     * checkpoint's lock if another instance holds it; with {@code skipIfBusy}, gives up instead.
     */
    public long catchUp(String name, boolean skipIfBusy) {
        Projection projection = require(name);
        long applied = 0;
        while (true) {
            Integer batch = transactions.execute(tx -> applyBatch(projection, skipIfBusy));
            int n = batch == null ? 0 : batch;
            applied += n;
            if (n < batchSize) {
                return applied;
            }
        }
    }

    /** One batch in the caller's transaction: the checkpoint locked, events applied, the checkpoint moved. */
    private int applyBatch(Projection projection, boolean skipIfBusy) {
        Optional<Position> locked = lockCheckpoint(projection.name(), skipIfBusy);
        if (locked.isEmpty()) {
            return 0;
        }
        Position checkpoint = locked.get();
        Optional<Position> head = stream.head();
        if (head.isEmpty() || !head.get().isAfter(checkpoint)) {
            return 0;
        }
        List<StoredEvent> events = stream.between(checkpoint, head.get(), batchSize);
        if (events.isEmpty()) {
            return 0;
        }
        Position upTo = events.get(events.size() - 1).at();
        projection.apply(events, upTo, Tables.LIVE);
        moveCheckpoint(projection.name(), upTo);
        return events.size();
    }

    private Optional<Position> lockCheckpoint(String name, boolean skipIfBusy) {
        if (!checkpointsCreated.contains(name)) {
            // once per process and projection, not once per batch: rows are never deleted
            jdbc.sql("insert into orders.projection_checkpoint (projection) values (?) on conflict do nothing")
                    .param(name)
                    .update();
            checkpointsCreated.add(name);
        }
        return jdbc.sql("select last_tx::text as tx, last_position as position from orders.projection_checkpoint "
                        + "where projection = ? for update" + (skipIfBusy ? " skip locked" : ""))
                .param(name)
                .query((rs, n) -> EventStream.position(rs))
                .optional();
    }

    private void moveCheckpoint(String name, Position to) {
        jdbc.sql("update orders.projection_checkpoint set last_tx = ?::xid8, last_position = ?, updated_at = now() "
                        + "where projection = ?")
                .params(to.txText(), to.position(), name)
                .update();
    }

    // --- status ---------------------------------------------------------------------------------------------

    /** Where a projection stands: its checkpoint, the events written after it, and the last replay's outcome. */
    public record Status(
            String name,
            List<String> tables,
            Position checkpoint,
            @Nullable Instant updatedAt,
            long lag,
            @Nullable String replayRunningSince,
            @Nullable Object lastReplay) {}

    public Status status(String name) {
        Projection projection = require(name);
        record Row(
                Position checkpoint,
                Instant updatedAt,
                @Nullable Instant replayStartedAt,
                @Nullable String last) {}
        Row row = jdbc.sql("select last_tx::text as tx, last_position as position, updated_at, "
                        + "case when replay_owner is not null then replay_started_at end as replay_started_at, "
                        + "last_replay::text as last_replay from orders.projection_checkpoint where projection = ?")
                .param(name)
                .query((rs, n) -> new Row(
                        EventStream.position(rs),
                        rs.getTimestamp("updated_at").toInstant(),
                        rs.getTimestamp("replay_started_at") == null
                                ? null
                                : rs.getTimestamp("replay_started_at").toInstant(),
                        rs.getString("last_replay")))
                .optional()
                .orElse(new Row(Position.START, Instant.EPOCH, null, null));
        String last = row.last();
        Instant since = row.replayStartedAt();
        return new Status(
                name,
                projection.tables(),
                row.checkpoint(),
                row.updatedAt(),
                stream.countAfter(row.checkpoint()),
                since == null ? null : since.toString(),
                last == null ? null : json.readTree(last));
    }

    /** Events written after the projection's checkpoint (settled or not): zero once it has seen everything. */
    public long lag(String name) {
        return status(name).lag();
    }

    // --- replay ---------------------------------------------------------------------------------------------

    /** One table compared: rows live and rebuilt, and rows in one and not the other. */
    public record TableComparison(String table, long liveRows, long rebuiltRows, long onlyLive, long onlyRebuilt) {

        public boolean identical() {
            return onlyLive == 0 && onlyRebuilt == 0;
        }
    }

    /**
     * A replay's outcome: the events read to build the new tables, where the swap left the checkpoint, and the
     * comparison of the rebuilt tables with the live ones at that same position, just before the swap.
     */
    public record ReplayResult(
            String projection,
            long eventsReplayed,
            Position checkpoint,
            List<TableComparison> comparison,
            boolean identical,
            String startedAt,
            long durationMillis) {}

    /**
     * Rebuilds the projection into fresh tables from the events while the live ones keep serving and the projector
     * keeps running, then, in one transaction holding the checkpoint's lock, brings both copies to the same
     * position, compares them, swaps the rebuilt tables in by renaming, and moves the checkpoint there.
     */
    public ReplayResult replay(String name) {
        Projection projection = require(name);
        String owner = UUID.randomUUID().toString();
        if (!claimReplay(name, owner)) {
            throw new ReplayRunningException(name);
        }
        Instant started = Instant.now();
        try {
            transactions.executeWithoutResult(tx -> {
                for (String table : projection.tables()) {
                    jdbc.sql("drop table if exists " + Tables.REBUILD.of(table)).update();
                    jdbc.sql("create table " + Tables.REBUILD.of(table) + " (like " + Tables.LIVE.of(table)
                                    + " including all)")
                            .update();
                }
            });
            Position cursor = Position.START;
            long replayed = 0;
            for (int round = 0; round < BUILD_ROUNDS; round++) {
                Optional<Position> head = stream.head();
                if (head.isEmpty() || !head.get().isAfter(cursor)) {
                    break;
                }
                long before = replayed;
                while (true) {
                    Position from = cursor;
                    List<StoredEvent> events = transactions.execute(tx -> {
                        List<StoredEvent> batch = stream.between(from, head.get(), batchSize);
                        if (!batch.isEmpty()) {
                            projection.apply(batch, batch.get(batch.size() - 1).at(), Tables.REBUILD);
                        }
                        return batch;
                    });
                    if (events == null || events.isEmpty()) {
                        break;
                    }
                    cursor = events.get(events.size() - 1).at();
                    replayed += events.size();
                }
                if (replayed - before < batchSize) {
                    break; // little was written meanwhile: the swap's catch-up is short
                }
            }
            Position built = cursor;
            Swap swap = transactions.execute(tx -> swap(projection, built));
            if (swap == null) {
                throw new IllegalStateException("the swap of " + name + " did not run");
            }
            ReplayResult result = new ReplayResult(
                    name,
                    replayed + swap.tail(),
                    swap.checkpoint(),
                    swap.comparison(),
                    swap.comparison().stream().allMatch(TableComparison::identical),
                    started.toString(),
                    Duration.between(started, Instant.now()).toMillis());
            releaseReplay(name, owner, result);
            log.info("Projection {} replayed: {}", name, result);
            return result;
        } catch (RuntimeException e) {
            releaseReplay(name, owner, null);
            throw e;
        }
    }

    private record Swap(long tail, Position checkpoint, List<TableComparison> comparison) {}

    private Swap swap(Projection projection, Position built) {
        Position live = lockCheckpoint(projection.name(), false)
                .orElseThrow(() -> new IllegalStateException("no checkpoint for " + projection.name()));
        Position target = Position.max(Position.max(live, built), stream.head().orElse(Position.START));
        catchUpTo(projection, live, target, Tables.LIVE);
        long tail = catchUpTo(projection, built, target, Tables.REBUILD);
        List<TableComparison> comparison = new ArrayList<>();
        for (String table : projection.tables()) {
            comparison.add(compare(table));
        }
        for (String table : projection.tables()) {
            jdbc.sql("alter table " + Tables.LIVE.of(table) + " rename to " + Tables.RETIRED.name(table))
                    .update();
            jdbc.sql("alter table " + Tables.REBUILD.of(table) + " rename to " + Tables.LIVE.name(table))
                    .update();
            jdbc.sql("drop table " + Tables.RETIRED.of(table)).update();
            renameIndexes(table);
        }
        moveCheckpoint(projection.name(), target);
        return new Swap(tail, target, comparison);
    }

    private long catchUpTo(Projection projection, Position from, Position upTo, Tables tables) {
        long applied = 0;
        Position cursor = from;
        while (upTo.isAfter(cursor)) {
            List<StoredEvent> events = stream.between(cursor, upTo, batchSize);
            if (events.isEmpty()) {
                break;
            }
            cursor = events.get(events.size() - 1).at();
            projection.apply(events, cursor, tables);
            applied += events.size();
        }
        return applied;
    }

    private TableComparison compare(String table) {
        String live = Tables.LIVE.of(table);
        String rebuilt = Tables.REBUILD.of(table);
        return jdbc.sql("select (select count(*) from " + live + ") as live_rows, (select count(*) from " + rebuilt
                        + ") as rebuilt_rows, (select count(*) from (select * from " + live
                        + " except all select * from "
                        + rebuilt + ") d) as only_live, (select count(*) from (select * from " + rebuilt
                        + " except all select * from " + live + ") d) as only_rebuilt")
                .query((rs, n) -> new TableComparison(
                        table,
                        rs.getLong("live_rows"),
                        rs.getLong("rebuilt_rows"),
                        rs.getLong("only_live"),
                        rs.getLong("only_rebuilt")))
                .single();
    }

    /** The rebuilt table's indexes were named after it ({@code <table>_rebuild_...}): they take the live names. */
    private void renameIndexes(String table) {
        String rebuiltPrefix = Tables.REBUILD.name(table);
        List<String> indexes = jdbc.sql("select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid "
                        + "where i.indrelid = to_regclass(?)")
                .param(Tables.LIVE.of(table))
                .query(String.class)
                .list();
        for (String index : indexes) {
            if (index.startsWith(rebuiltPrefix) && index.matches("[a-z_]+")) {
                String liveName = Tables.LIVE.name(table) + index.substring(rebuiltPrefix.length());
                jdbc.sql("alter index orders." + index + " rename to " + liveName)
                        .update();
            }
        }
    }

    private boolean claimReplay(String name, String owner) {
        jdbc.sql("insert into orders.projection_checkpoint (projection) values (?) on conflict do nothing")
                .param(name)
                .update();
        return jdbc.sql(
                                "update orders.projection_checkpoint set replay_owner = ?, replay_started_at = now() "
                                        + "where projection = ? and (replay_owner is null or replay_started_at < now() - ?::interval)")
                        .params(owner, name, REPLAY_ABANDONED.toSeconds() + " seconds")
                        .update()
                == 1;
    }

    private void releaseReplay(String name, String owner, @Nullable ReplayResult result) {
        try {
            jdbc.sql("update orders.projection_checkpoint set replay_owner = null, replay_started_at = null, "
                            + "last_replay = coalesce(?::jsonb, last_replay) where projection = ? and replay_owner = ?")
                    .params(result == null ? null : json.writeValueAsString(summary(result)), name, owner)
                    .update();
        } catch (RuntimeException e) {
            log.warn("Could not record the end of the replay of {}", name, e);
        }
    }

    private static Map<String, Object> summary(ReplayResult result) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("finished_at", Instant.now().toString());
        summary.put("events_replayed", result.eventsReplayed());
        summary.put("identical", result.identical());
        summary.put("duration_ms", result.durationMillis());
        return summary;
    }

    /** No projection of that name is registered. */
    public static final class UnknownProjectionException extends RuntimeException {

        UnknownProjectionException(String name) {
            super("There is no projection '" + name + "'");
        }
    }

    /** A replay of the projection is already running (here or in another instance). */
    public static final class ReplayRunningException extends RuntimeException {

        ReplayRunningException(String name) {
            super("A replay of projection '" + name + "' is already running");
        }
    }
}
