package io.orderflow.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * orderflow side by side with the plain Spring Modulith peer ({@code bench/modulith-peer}), measured the same way:
 * closed-loop clients that each place an order and poll it until it is terminal, then place the next. The throughput
 * is the orders seen terminal per second; the latency is from sending the order to seeing it terminal. orderflow is
 * polled with its status read and {@code If-None-Match} (its cheapest read for pollers), the peer with its one
 * read. {@code scripts/compare-modulith.sh} starts each system on a fresh database of the same PostgreSQL and runs
 * this once per system; {@code benchmark compare-report DIR} puts the runs side by side.
 */
final class PeerComparison {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");
    /** An order not terminal this long after it was placed counts as lost for the run (a violation). */
    private static final Duration ORDER_TIMEOUT = Duration.ofSeconds(30);

    private final Args args;
    private final String system;
    private final URI base;
    private final JdbcClient jdbc;
    private final Db db;
    private final Cpu cpu;
    private final Path out;
    private final Duration pollInterval;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String tag = Long.toString(System.nanoTime() % 1_000_000, 36);

    private PeerComparison(Args args) throws IOException {
        this.args = args;
        this.system = args.required("system");
        if (!List.of("orderflow", "modulith").contains(system)) {
            throw new IllegalArgumentException("--system orderflow|modulith, not " + system);
        }
        String url = args.get("url", "http://127.0.0.1:8080");
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.db = Db.from(args);
        DataSource pool = db.dataSource();
        this.jdbc = JdbcClient.create(pool);
        this.cpu = new Cpu(Arrays.stream(args.get("app-pid", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Long::parseLong)
                .toList());
        this.out = Path.of(args.required("out"));
        this.pollInterval = args.duration("poll-interval", Duration.ofMillis(10));
        Files.createDirectories(out);
    }

    static int run(Args args) throws IOException {
        if (args.positional().get(0).equals("compare-report")) {
            if (args.positional().size() < 2) {
                throw new IllegalArgumentException("benchmark compare-report DIR");
            }
            return report(Path.of(args.positional().get(1)));
        }
        return new PeerComparison(args).run();
    }

    /** What one closed-loop step saw. */
    static final class Step {
        final int clients;
        final Histogram e2e = new SynchronizedHistogram(120_000_000L, 3);
        final Histogram placing = new SynchronizedHistogram(60_000_000L, 3);
        final LongAdder polls = new LongAdder();
        final LongAdder notModified = new LongAdder();
        /** Placements answered 503 (admission control); the client waited as Retry-After said. */
        final LongAdder refused = new LongAdder();

        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        long startNanos;
        long endNanos;

        Step(int clients) {
            this.clients = clients;
        }

        long terminal() {
            return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    private int run() throws IOException {
        LoadGenerator.Mix mix =
                LoadGenerator.Mix.parse(args.get("mix", "declined=0.05,out_of_stock=0.03,shipping_failure=0.03"));
        if (mix.cancel() > 0) {
            throw new IllegalArgumentException("the comparison's mix has no cancellations (the peer cannot cancel)");
        }
        List<String> skus = setUpSkus(args.integer("skus", 1000));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("system", system);
        report.put("url", base.toString());
        report.put("database", db.database());
        report.put("started_at", Instant.now().toString());
        report.put("mix", mix.toString());
        report.put("poll_interval_ms", pollInterval.toMillis());
        report.put(
                "client",
                "closed loop: each client places an order, polls it every " + pollInterval.toMillis()
                        + " ms until terminal, then places the next; "
                        + ("orderflow".equals(system)
                                ? "GET /api/orders/{id}/status with If-None-Match"
                                : "GET /api/orders/{id}"));
        report.put("app_pids", cpu.appPids());
        // the same yardstick as the benchmark's: pgbench saga-step transactions per second / 10, measured here with
        // the system started and idle, so that each run's ratio is its own
        double ceilingTps = 0;
        int pgbenchSeconds = args.integer("pgbench-seconds", 20);
        if (pgbenchSeconds > 0) {
            System.out.printf(Locale.ROOT, "[%s] ceiling: pgbench, 16 clients, %d s%n", system, pgbenchSeconds);
            Map<String, Object> pg =
                    Ceiling.pgbench(db, args.get("pgbench", "/usr/bin/pgbench"), 16, pgbenchSeconds, out);
            report.put("ceiling", pg);
            if (pg.get("tps") instanceof Number tps) {
                ceilingTps = tps.doubleValue();
            }
        }
        Map<String, Long> baseline = stockTotals();
        LoadGenerator load = new LoadGenerator(base.toString(), skus, mix);

        report.put("warmup", warmUp(load));
        // as the benchmark does: on a server without autovacuum (this machine's), the warm-up's dead rows are
        // vacuumed before the measured steps, in either system's database
        report.put("vacuum", Benchmark.vacuumIfAutovacuumIsOff(jdbc));

        List<Map<String, Object>> steps = new ArrayList<>();
        double best = 0;
        Duration stepLength = args.duration("step", Duration.ofSeconds(10));
        for (String c : args.get("concurrency", "4,8,16,32,64").split(",")) {
            int clients = Integer.parseInt(c.strip());
            Cpu.Sample before = cpu.sample();
            long commitsBefore = commits();
            long walBefore = walBytes();
            long walRecordsBefore = walRecords();
            Map<String, Long> rowsBefore = rowWrites();
            Map<String, Long> statementsBefore = Benchmark.statements(jdbc);
            Step step = closedLoop(load, clients, stepLength, tag + "-c" + clients + "-");
            Cpu.Usage usage = Cpu.between(before, cpu.sample());
            Map<String, Object> result = summary(step, usage, commits() - commitsBefore, walBytes() - walBefore);
            result.put("row_writes_per_order", rowWritesPerOrder(rowsBefore, rowWrites(), step.terminal()));
            long walRecordsAfter = walRecords();
            if (walRecordsBefore >= 0 && walRecordsAfter >= 0) {
                result.put(
                        "wal_records_per_order",
                        Benchmark.round((walRecordsAfter - walRecordsBefore) / (double) Math.max(1, step.terminal())));
            }
            // where the server loads pg_stat_statements: what each finished order ran, the ten most frequent
            Map<String, Object> statements =
                    Benchmark.statementStats(statementsBefore, Benchmark.statements(jdbc), step.terminal());
            if (statements != null) {
                result.put("statements", statements);
            }
            steps.add(result);
            double perSecond = (Double) result.get("terminal_per_second");
            best = Math.max(best, perSecond);
            System.out.printf(
                    Locale.ROOT,
                    "[%s] %d clients: %.1f orders/s terminal, e2e p50 %s ms p99 %s ms, %.1f commits and %.0f WAL bytes"
                            + " per order, app CPU %.2f cores, errors %s%n",
                    system,
                    clients,
                    perSecond,
                    Report.path(result, "e2e_ms", "p50"),
                    Report.path(result, "e2e_ms", "p99"),
                    (Double) result.get("commits_per_order"),
                    (Double) result.get("wal_bytes_per_order"),
                    usage.appCores(),
                    result.get("errors"));
        }
        report.put("steps", steps);
        report.put("max_terminal_per_second", Benchmark.round(best));
        if (ceilingTps > 0) {
            report.put("pgbench_tps", Benchmark.round(ceilingTps));
            report.put("ratio_to_ceiling", Benchmark.round(best / (ceilingTps / 10)));
        }
        Map<String, Object> invariants =
                "orderflow".equals(system) ? orderflowInvariants(baseline) : peerInvariants(baseline);
        report.put("invariants", invariants);
        // a run counts only if every order it placed was followed to its end: an error would flatter the system
        long errors = steps.stream()
                .mapToLong(st -> ((Map<?, ?>) st.get("errors"))
                        .values().stream()
                                .mapToLong(v -> ((Number) v).longValue())
                                .sum())
                .sum();
        boolean valid = best > 0 && errors == 0;
        report.put("client_errors", errors);
        report.put("valid", valid);
        report.put("finished_at", Instant.now().toString());
        Report.writeJson(out.resolve("results.json"), report);
        System.out.printf(
                Locale.ROOT,
                "[%s] maximum %.1f orders/s; client errors %d; invariants %s%n",
                system,
                best,
                errors,
                Boolean.TRUE.equals(invariants.get("passed")) ? "passed" : "FAILED " + invariants);
        return valid && Boolean.TRUE.equals(invariants.get("passed")) ? 0 : 1;
    }

    /**
     * 16 clients in 10-second rounds for at least {@code --warmup} (120 s), then until the JIT compilers took at most
     * {@link Benchmark#COMPILED_JIT_SHARE} of the system's CPU in three rounds in a row (the benchmark's rule), at
     * most {@code --warmup-max} (600 s). The same for both systems: after 70 s orderflow's compilers were under a
     * tenth once, and it ran at 30 ms of CPU per order, against 8 ms after 280 s.
     */
    private Map<String, Object> warmUp(LoadGenerator load) {
        Duration min = args.duration("warmup", Duration.ofSeconds(120));
        Duration max = args.duration("warmup-max", Duration.ofSeconds(600));
        long start = System.nanoTime();
        List<Double> jitShares = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        int compiledRounds = 0;
        while (true) {
            Cpu.Sample before = cpu.sample();
            Step round = closedLoop(load, 16, Duration.ofSeconds(10), tag + "-w" + jitShares.size() + "-");
            Cpu.Usage usage = Cpu.between(before, cpu.sample());
            double jitShare = usage.appJitCores() / Math.max(1e-6, usage.appCores());
            jitShares.add(Benchmark.round(jitShare));
            rates.add(Benchmark.round(round.terminal() / Math.max(1e-3, round.seconds())));
            compiledRounds =
                    cpu.appPids().isEmpty() || jitShare <= Benchmark.COMPILED_JIT_SHARE ? compiledRounds + 1 : 0;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf(
                    Locale.ROOT,
                    "[%s] warm-up round %d: %.1f orders/s, JIT %.0f %% of the application's CPU%n",
                    system,
                    jitShares.size(),
                    rates.get(rates.size() - 1),
                    100 * jitShare);
            boolean settled = compiledRounds >= 3;
            if ((elapsed.compareTo(min) >= 0 && settled) || elapsed.compareTo(max) >= 0) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seconds", Benchmark.round(elapsed.toMillis() / 1000.0));
                m.put("settled", settled);
                m.put("terminal_per_second_by_round", rates);
                m.put("jit_share_by_round", jitShares);
                return m;
            }
        }
    }

    /** {@code clients} threads, each placing an order and polling it until terminal, for {@code duration}. */
    Step closedLoop(LoadGenerator load, int clients, Duration duration, String prefix) {
        Step step = new Step(clients);
        step.startNanos = System.nanoTime();
        long end = step.startNanos + duration.toNanos();
        AtomicLong seq = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(
                    () -> {
                        Random random = ThreadLocalRandom.current();
                        while (System.nanoTime() < end) {
                            try {
                                follow(load, step, prefix + seq.incrementAndGet(), random);
                            } catch (IOException e) {
                                step.errors
                                        .computeIfAbsent("io_" + e.getClass().getSimpleName(), k -> new LongAdder())
                                        .increment();
                                LockSupport.parkNanos(10_000_000L);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    },
                    "compare-client-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join(duration.plus(ORDER_TIMEOUT).plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        step.endNanos = System.nanoTime();
        return step;
    }

    /** Places one order and polls it until it is terminal; its latency is from sending to seeing it terminal. */
    private void follow(LoadGenerator load, Step step, String id, Random random)
            throws IOException, InterruptedException {
        LoadGenerator.Kind kind = load.mix().pick(random);
        long start = System.nanoTime();
        HttpResponse<String> placed =
                client.send(load.placeRequest(id, kind, random), HttpResponse.BodyHandlers.ofString());
        step.placing.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
        if (placed.statusCode() == 503) { // admission control: the API asks the client to come back, as it does
            step.refused.increment();
            LockSupport.parkNanos(LoadGenerator.retryAfterNanos(placed, random));
            return;
        }
        if (placed.statusCode() != 202) {
            step.errors
                    .computeIfAbsent("place_http_" + placed.statusCode(), k -> new LongAdder())
                    .increment();
            LockSupport.parkNanos(10_000_000L);
            return;
        }
        String status = statusOf(placed.body());
        String orderToken = LoadGenerator.orderToken(placed.body()); // a guest's order is read with its token
        String etag = null;
        URI read = base.resolve("orderflow".equals(system) ? "api/orders/" + id + "/status" : "api/orders/" + id);
        while (status == null || !TERMINAL.contains(status)) {
            if (System.nanoTime() - start > ORDER_TIMEOUT.toNanos()) {
                step.errors
                        .computeIfAbsent("not_terminal_in_30s", k -> new LongAdder())
                        .increment();
                return;
            }
            LockSupport.parkNanos(pollInterval.toNanos());
            HttpRequest.Builder request = HttpRequest.newBuilder(read).timeout(Duration.ofSeconds(15));
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            if (orderToken != null) {
                request.header("Order-Token", orderToken);
            }
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            step.polls.increment();
            if (r.statusCode() == 304) {
                step.notModified.increment();
            } else if (r.statusCode() == 200) {
                status = statusOf(r.body());
                etag = r.headers().firstValue("ETag").orElse(null);
            } else {
                step.errors
                        .computeIfAbsent("read_http_" + r.statusCode(), k -> new LongAdder())
                        .increment();
            }
        }
        step.e2e.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
        step.outcomes.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    static String statusOf(String body) {
        Matcher m = STATUS.matcher(body == null ? "" : body);
        return m.find() ? m.group(1) : null;
    }

    private Map<String, Object> summary(Step step, Cpu.Usage usage, long commits, long walBytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        long terminal = step.terminal();
        m.put("clients", step.clients);
        m.put("seconds", Benchmark.round(step.seconds()));
        m.put("terminal", terminal);
        m.put("terminal_per_second", Benchmark.round(terminal / Math.max(1e-3, step.seconds())));
        Map<String, Long> outcomes = new TreeMap<>();
        step.outcomes.forEach((k, v) -> outcomes.put(k, v.sum()));
        m.put("outcomes", outcomes);
        m.put("e2e_ms", Benchmark.percentiles(step.e2e));
        m.put("placing_http_ms", Benchmark.percentiles(step.placing));
        m.put("refused", step.refused.sum());
        m.put("polls_per_order", Benchmark.round(step.polls.sum() / (double) Math.max(1, terminal)));
        m.put("not_modified_share", Benchmark.round(step.notModified.sum() / (double) Math.max(1, step.polls.sum())));
        Map<String, Long> errors = new TreeMap<>();
        step.errors.forEach((k, v) -> errors.put(k, v.sum()));
        m.put("errors", errors);
        m.put("commits_per_order", Benchmark.round(commits / (double) Math.max(1, terminal)));
        m.put("wal_bytes_per_order", Benchmark.round(walBytes / (double) Math.max(1, terminal)));
        m.put("app_cpu_ms_per_order", cpuMillisPerOrder(usage.appCores(), step.seconds(), terminal));
        m.put("postgres_cpu_ms_per_order", cpuMillisPerOrder(usage.postgresCores(), step.seconds(), terminal));
        m.put("cpu", usage.toMap());
        return m;
    }

    private static double cpuMillisPerOrder(double cores, double seconds, long orders) {
        return Benchmark.round(cores * seconds * 1000 / Math.max(1, orders));
    }

    // --- the two systems' data ---------------------------------------------------------------------------

    /** The benchmark's 1,000 SKUs at the same prices and stock in either system. */
    private List<String> setUpSkus(int count) {
        if ("orderflow".equals(system)) {
            return Benchmark.setUpSkus(jdbc, count);
        }
        List<String> skus = Benchmark.skuNames(count);
        String[] array = skus.toArray(String[]::new);
        jdbc.sql(
                        "insert into product (sku, name, price) select s, 'Benchmark item ' || s, 5 + (row_number() over ()) % 95 "
                                + "from unnest(?::text[]) s on conflict (sku) do nothing")
                .param(array)
                .update();
        jdbc.sql(
                        "insert into stock (sku, available) select s, 1000000 from unnest(?::text[]) s on conflict (sku) do nothing")
                .param(array)
                .update();
        return skus;
    }

    private Map<String, Long> stockTotals() {
        if ("orderflow".equals(system)) {
            return new InvariantChecker(jdbc).stockTotals();
        }
        return peerStock(jdbc);
    }

    /** Per SKU, the peer's available units plus the units its unreleased reservations hold: constant under load. */
    static Map<String, Long> peerStock(JdbcClient jdbc) {
        Map<String, Long> totals = new TreeMap<>();
        jdbc.sql("select s.sku, s.available::bigint + coalesce(r.held, 0) from stock s left join (select sku, "
                        + "sum(quantity) held from reservation where not released group by sku) r using (sku)")
                .query((rs, n) -> totals.put(rs.getString(1), rs.getLong(2)))
                .list();
        return totals;
    }

    private Map<String, Object> orderflowInvariants(Map<String, Long> baseline) {
        InvariantChecker checker = new InvariantChecker(jdbc);
        boolean drained = checker.awaitDrained(Duration.ofSeconds(120), counts -> {});
        InvariantChecker.Result check = checker.checkSettled(baseline, Duration.ofSeconds(drained ? 10 : 0));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checker", "orderflow's invariant checker (docs/benchmarks.md)");
        m.put("drained", drained);
        m.put("passed", drained && check.passed());
        m.put("violations", check.messages());
        return m;
    }

    /**
     * The peer's guarantees, checked the same way: every order terminal and every event publication completed; the
     * stock conserved (what left each SKU is what the unreleased reservations hold); a completed order charged once
     * and shipped; a failed order holding no charge and no stock; one message per finished order.
     */
    private Map<String, Object> peerInvariants(Map<String, Long> stockBaseline) {
        // drained: every order terminal and every publication completed, by the rules' own counts
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Long> violations = peerViolations(jdbc, stockBaseline);
        boolean drained = violations.get("orders_not_terminal") + violations.get("publications_incomplete") == 0;
        while (!drained && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000_000L);
            violations = peerViolations(jdbc, stockBaseline);
            drained = violations.get("orders_not_terminal") + violations.get("publications_incomplete") == 0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checker", "the peer's own rules (PeerComparison.peerInvariants)");
        m.put("drained", drained);
        m.put("orders", count("select count(*) from orders"));
        m.put("violations", violations);
        m.put("passed", drained && violations.values().stream().allMatch(v -> v == 0));
        return m;
    }

    /** The peer's rules on its tables as they are now, each with the number of orders or SKUs breaking it. */
    static Map<String, Long> peerViolations(JdbcClient jdbc, Map<String, Long> stockBaseline) {
        Map<String, Long> violations = new LinkedHashMap<>();
        violations.put(
                "orders_not_terminal",
                count(jdbc, "select count(*) from orders where status not in ('completed', 'failed')"));
        violations.put(
                "publications_incomplete",
                count(jdbc, "select count(*) from event_publication where completion_date is null"));
        violations.put("stock_not_conserved", stockNotConserved(jdbc, stockBaseline));
        violations.put(
                "completed_without_one_charge_and_shipment",
                count(
                        jdbc,
                        "select count(*) from orders o where o.status = 'completed' and ("
                                + "(select count(*) from payment p where p.order_id = o.id and p.status = 'charged') <> 1 "
                                + "or not exists (select 1 from shipment s where s.order_id = o.id))"));
        violations.put(
                "failed_still_charged",
                count(
                        jdbc,
                        "select count(*) from orders o join payment p on p.order_id = o.id "
                                + "where o.status = 'failed' and p.status = 'charged'"));
        violations.put(
                "failed_still_holding_stock",
                count(
                        jdbc,
                        "select count(distinct o.id) from orders o join reservation r on r.order_id = o.id "
                                + "where o.status = 'failed' and not r.released"));
        violations.put(
                "finished_without_one_message",
                count(
                        jdbc,
                        "select count(*) from orders o where o.status in ('completed', 'failed') "
                                + "and not exists (select 1 from email e where e.order_id = o.id)"));
        return violations;
    }

    /** SKUs whose available units plus the units their unreleased reservations hold differ from the baseline. */
    private static long stockNotConserved(JdbcClient jdbc, Map<String, Long> baseline) {
        Map<String, Long> now = peerStock(jdbc);
        return baseline.entrySet().stream()
                .filter(e -> !e.getValue().equals(now.get(e.getKey())))
                .count();
    }

    /** Rows inserted, updated and deleted so far, by table, in this database (PostgreSQL's cumulative statistics). */
    private Map<String, Long> rowWrites() {
        Map<String, Long> rows = new TreeMap<>();
        jdbc.sql("select schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables")
                .query((rs, n) -> rows.put(rs.getString(1), rs.getLong(2)))
                .list();
        return rows;
    }

    /**
     * The step's row writes per terminal order: the total, then by table, the most first (tables under 0.05 per order
     * left out). The statistics reach the server within a second of each transaction, so a 10-second step reads them
     * to within a few per cent.
     */
    static Map<String, Object> rowWritesPerOrder(Map<String, Long> before, Map<String, Long> after, long orders) {
        Map<String, Double> byTable = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            double perOrder = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / (double) Math.max(1, orders);
            total += perOrder;
            if (perOrder >= 0.05) {
                byTable.put(e.getKey(), Benchmark.round(perOrder));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", Benchmark.round(total));
        byTable.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private long count(String sql) {
        return count(jdbc, sql);
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private long commits() {
        return count("select xact_commit from pg_stat_database where datname = current_database()");
    }

    /** WAL written by the whole server so far: one system runs at a time, so the difference is its own. */
    private long walBytes() {
        return count("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
    }

    /**
     * WAL records written by the whole server so far ({@code pg_stat_wal}, PostgreSQL 14 and later; -1 before): a
     * count that does not depend on the machine's speed, unlike the throughput. Backends report it when their
     * transactions end, at most about a second late.
     */
    private long walRecords() {
        try {
            return count("select wal_records from pg_stat_wal");
        } catch (RuntimeException olderServer) {
            return -1;
        }
    }

    /** The round a run's folder names ({@code orderflow-r2}: 2), 0 if it names none. */
    static int round(String folder) {
        Matcher m = Pattern.compile("-r(\\d+)$").matcher(folder);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    // --- side by side --------------------------------------------------------------------------------------

    /** Reads every {@code results.json} under {@code dir} and writes {@code dir/report.md}: both systems by round. */
    @SuppressWarnings("unchecked")
    static int report(Path dir) throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.walk(dir)) {
            found = files.filter(p -> p.getFileName().toString().equals("results.json"))
                    .toList();
        }
        // by round, orderflow first in each (orderflow-r1, modulith-r1, orderflow-r2, ...)
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Path f : found.stream()
                .sorted(Comparator.comparing(
                                (Path p) -> round(p.getParent().getFileName().toString()))
                        .thenComparing(
                                p -> !p.getParent().getFileName().toString().startsWith("orderflow"))
                        .thenComparing(Path::toString))
                .toList()) {
            runs.add(Report.readJson(f));
        }
        StringBuilder md = new StringBuilder("# orderflow and the Spring Modulith peer, side by side\n\n");
        md.append("Each system ran alone on a fresh database of the same PostgreSQL, one after the other. ")
                .append("Closed-loop clients place an order and poll it until it is terminal:\n\n");
        runs.stream()
                .collect(Collectors.toMap(
                        r -> (String) r.get("system"), r -> r.get("client"), (a, b) -> a, TreeMap::new))
                .forEach((system, client) -> md.append("- ")
                        .append(system)
                        .append(": ")
                        .append(client)
                        .append('\n'));
        md.append('\n')
                .append(
                        "| run | system | pgbench tps | max orders/s | ratio to ceiling | at max: clients, e2e p50 / p99 ms, ")
                .append("commits, row writes, WAL bytes (records), app / PG CPU ms per order | invariants |\n")
                .append("|---|---|---|---|---|---|---|\n");
        Map<String, List<Double>> bestBySystem = new TreeMap<>();
        for (Map<String, Object> run : runs) {
            String system = (String) run.get("system");
            double best = ((Number) run.get("max_terminal_per_second")).doubleValue();
            bestBySystem.computeIfAbsent(system, k -> new ArrayList<>()).add(best);
            Map<String, Object> atMax = atMax(run);
            Map<String, Object> invariants = (Map<String, Object>) run.get("invariants");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %.1f | %s | %s, %s / %s, %s, %s, %s, %s / %s | %s |%n",
                    run.get("database"),
                    system,
                    run.getOrDefault("pgbench_tps", "-"),
                    best,
                    run.getOrDefault("ratio_to_ceiling", "-"),
                    atMax.get("clients"),
                    Report.path(atMax, "e2e_ms", "p50"),
                    Report.path(atMax, "e2e_ms", "p99"),
                    atMax.get("commits_per_order"),
                    Report.path(atMax, "row_writes_per_order", "total"),
                    atMax.containsKey("wal_records_per_order")
                            ? atMax.get("wal_bytes_per_order") + " (" + atMax.get("wal_records_per_order") + " records)"
                            : atMax.get("wal_bytes_per_order"),
                    atMax.get("app_cpu_ms_per_order"),
                    atMax.get("postgres_cpu_ms_per_order"),
                    !Boolean.TRUE.equals(run.get("valid"))
                            ? "**client errors: " + run.get("client_errors") + "**"
                            : Boolean.TRUE.equals(invariants.get("passed")) ? "passed" : "**failed**"));
        }
        List<Double> ours = bestBySystem.getOrDefault("orderflow", List.of());
        List<Double> peer = bestBySystem.getOrDefault("modulith", List.of());
        if (!ours.isEmpty() && !peer.isEmpty()) {
            double oursMean =
                    ours.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double peerMean =
                    peer.stream().mapToDouble(Double::doubleValue).average().orElse(1);
            md.append(String.format(
                    Locale.ROOT,
                    "%norderflow / peer, mean maximum over the rounds: %.1f / %.1f = **%.2fx** (goal: at least 2x)%n",
                    oursMean,
                    peerMean,
                    oursMean / peerMean));
        }
        for (Map<String, Object> run : runs) {
            appendStatements(md, run);
        }
        Files.writeString(dir.resolve("report.md"), md.toString());
        System.out.print(md);
        boolean passed = runs.stream()
                .allMatch(r -> Boolean.TRUE.equals(r.get("valid"))
                        && Boolean.TRUE.equals(((Map<String, Object>) r.get("invariants")).get("passed")));
        return passed && !runs.isEmpty() ? 0 : 1;
    }

    /**
     * The statements one finished order ran at the run's maximum and the ten most frequent, when the server loaded
     * pg_stat_statements (the local PostgreSQL may not; then nothing is appended).
     */
    @SuppressWarnings("unchecked")
    private static void appendStatements(StringBuilder md, Map<String, Object> run) {
        Map<String, Object> atMax = atMax(run);
        if (!(atMax.get("statements") instanceof Map<?, ?> statements)) {
            return;
        }
        md.append(String.format(
                Locale.ROOT,
                "%n### %s, %s: %s statements per finished order at %s clients%n%n| statement | per order |%n|---|---|%n",
                run.get("database"),
                run.get("system"),
                statements.get("per_finished_order"),
                atMax.get("clients")));
        for (Map<String, Object> row : (List<Map<String, Object>>) statements.get("top")) {
            md.append("| `")
                    .append(((String) row.get("statement")).replace("|", "\\|"))
                    .append("` | ")
                    .append(row.get("per_finished_order"))
                    .append(" |\n");
        }
    }

    /** The run's step with the most terminal orders per second. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> atMax(Map<String, Object> run) {
        return ((List<Map<String, Object>>) run.get("steps"))
                .stream()
                        .max(Comparator.comparingDouble(
                                step -> ((Number) step.get("terminal_per_second")).doubleValue()))
                        .orElse(Map.of());
    }
}
