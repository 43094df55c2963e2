package io.orderflow.messaging;

import io.orderflow.platform.Modules;
import io.orderflow.platform.PeriodicTask;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps each module's message journal in day partitions: creates the partitions for today and the next
 * {@value #DAYS_AHEAD} days (UTC), and drops whole partitions whose day ended more than
 * {@code orderflow.journal.retention} ago. Dropping a partition is cheap and leaves no dead rows behind, which is
 * why the journal is partitioned. A row that lands in the default partition (its day had no partition yet) is
 * moved into the day's partition when that is created, and deleted from there once it is past the retention.
 * Runs at start-up and then every {@code orderflow.journal.maintenance-interval}; processes that run the same
 * module take turns (an advisory lock per schema).
 */
public class JournalMaintenance extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(JournalMaintenance.class);

    static final int DAYS_AHEAD = 2;
    private static final Pattern PARTITION = Pattern.compile("journal_p(\\d{8})");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final List<String> modules;
    private final Duration retention;

    JournalMaintenance(
            JdbcClient jdbc, TransactionTemplate tx, List<String> modules, Duration retention, Duration interval) {
        super("journal-maintenance", interval);
        this.jdbc = jdbc;
        this.tx = tx;
        this.modules = List.copyOf(modules);
        this.retention = retention;
    }

    /** What one round did: partitions created and dropped, by name ({@code schema.journal_pYYYYMMDD}). */
    public record Round(List<String> created, List<String> dropped) {}

    /** One round over every module this process runs, as of now. */
    public Round maintainOnce() {
        return maintainAsOf(Instant.now());
    }

    private Round maintainAsOf(Instant now) {
        List<String> created = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        // a partition goes once all of its day is older than the retention
        LocalDate keepFrom = LocalDate.ofInstant(now.minus(retention), ZoneOffset.UTC);
        for (String module : modules) {
            String schema = Modules.schemaOf(module);
            tx.executeWithoutResult(status -> {
                jdbc.sql("select pg_advisory_xact_lock(hashtext('orderflow.journal.' || ?))")
                        .param(schema)
                        .query()
                        .listOfRows();
                List<String> existing = partitions(schema);
                for (int i = 0; i <= DAYS_AHEAD; i++) {
                    LocalDate day = today.plusDays(i);
                    String name = "journal_p" + DAY.format(day);
                    if (!existing.contains(name)) {
                        create(schema, name, day);
                        created.add(schema + "." + name);
                    }
                }
                for (String name : existing) {
                    Matcher matcher = PARTITION.matcher(name);
                    if (matcher.matches()
                            && LocalDate.parse(matcher.group(1), DAY).isBefore(keepFrom)) {
                        // the name comes from the catalog and matched journal_pNNNNNNNN: no input reaches this DDL
                        jdbc.sql("drop table " + schema + "." + name).update();
                        dropped.add(schema + "." + name);
                    }
                }
                jdbc.sql("delete from " + schema + ".journal_default where at < ?")
                        .param(Timestamp.from(
                                keepFrom.atStartOfDay(ZoneOffset.UTC).toInstant()))
                        .update();
            });
        }
        if (!created.isEmpty() || !dropped.isEmpty()) {
            log.info("Journal partitions created {}, dropped {} (retention {})", created, dropped, retention);
        }
        return new Round(List.copyOf(created), List.copyOf(dropped));
    }

    private List<String> partitions(String schema) {
        return jdbc.sql("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                        + "join pg_class p on p.oid = i.inhparent join pg_namespace n on n.oid = p.relnamespace "
                        + "where n.nspname = ? and p.relname = 'journal' order by c.relname")
                .param(schema)
                .query(String.class)
                .list();
    }

    /**
     * Creates the day's partition. Rows of that day already in the default partition would make the creation fail,
     * so they are set aside first and put back through the parent (into the new partition), in this transaction.
     */
    private void create(String schema, String name, LocalDate day) {
        Timestamp from = Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        Timestamp to =
                Timestamp.from(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        jdbc.sql("lock table " + schema + ".journal_default in access exclusive mode")
                .update();
        jdbc.sql("create temporary table journal_moving on commit drop as select * from " + schema
                        + ".journal_default where at >= ? and at < ?")
                .params(from, to)
                .update();
        jdbc.sql("delete from " + schema + ".journal_default where at >= ? and at < ?")
                .params(from, to)
                .update();
        // DDL takes no bind parameters: the bounds are rendered from dates this class computed
        jdbc.sql("create table " + schema + "." + name + " partition of " + schema + ".journal for values from ('"
                        + from.toInstant() + "') to ('" + to.toInstant() + "')")
                .update();
        jdbc.sql("insert into " + schema + ".journal overriding system value select * from journal_moving")
                .update();
        jdbc.sql("drop table journal_moving").update();
    }

    @Override
    protected boolean runOnce() {
        maintainOnce();
        return false;
    }
}
