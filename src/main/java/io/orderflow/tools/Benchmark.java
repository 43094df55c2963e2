package io.orderflow.tools;

import io.orderflow.tools.Charts.Series;
import io.orderflow.tools.LoadGenerator.Phase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The benchmark: benchmark SKUs, the machine's ceiling (pgbench, RabbitMQ perf-test or redis-benchmark), a warm-up, a
 * closed-loop search for the maximum throughput, an overload phase at four times it (whose finished rate can raise the
 * maximum), an open-loop run at half the maximum, then the invariant checker;
 * writes results.json, report.md and PNG charts.
 */
final class Benchmark {

    /**
     * What one happy-path order costs, counted from the code (see docs/benchmarks.md): messages published and
     * delivered, hops on the critical path, and database transactions (the placing one, one per delivery, and
     * the relay's, at most one per outbox commit).
     */
    record CountedCost(int published, int deliveries, int criticalPathHops, int consumerTransactions, int relayMax) {

        static final int HTTP_TRANSACTIONS = 1;

        /**
         * In both modes the catalog prices the order before the placing transaction (no ValidateOrder, no
         * OrderValidated; distributed over HTTP, ADR 0021, unless the catalog does not answer in time); embedded,
         * messages are enqueued in the deciding transaction (no relay); distributed, a relay publishes them.
         */
        static CountedCost of(String mode) {
            return "embedded".equals(mode) ? new CountedCost(10, 10, 6, 10, 0) : new CountedCost(10, 10, 6, 10, 10);
        }

        int transactionsMax() {
            return HTTP_TRANSACTIONS + consumerTransactions + relayMax;
        }
    }

    private final Args args;
    private final Db db;
    private final JdbcClient jdbc;
    private final InvariantChecker checker;
    private final Path out;
    private final String mode;
    /** What one happy-path order of this mode costs, counted from the code. */
    private final CountedCost counted;

    private final String tag = UUID.randomUUID().toString().substring(0, 4);
    private final Cpu cpu;
    /** The database server's autovacuum runs and checkpoints, counted per phase. */
    private final Upkeep upkeep;

    private final Map<String, Object> report = new LinkedHashMap<>();

    private Benchmark(Args args) throws IOException {
        this.args = args;
        this.db = Db.from(args);
        DataSource pool = db.dataSource();
        this.jdbc = JdbcClient.create(pool);
        this.checker = new InvariantChecker(pool);
        this.mode = args.get("mode", "embedded");
        this.counted = CountedCost.of(mode);
        this.out = Path.of(args.get(
                "out",
                "target/bench/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                        + mode));
        Files.createDirectories(out);
        List<Long> pids = new ArrayList<>();
        if (args.has("app-pid")) {
            Arrays.stream(args.get("app-pid", "").split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .map(Long::parseLong)
                    .forEach(pids::add);
        } else {
            Long found = Cpu.listeningOn(
                    URI.create(args.get("url", "http://127.0.0.1:8080")).getPort());
            if (found != null) {
                pids.add(found);
            }
        }
        this.cpu = new Cpu(pids, WalFlushes.start(jdbc));
        this.upkeep = Upkeep.of(jdbc);
    }

    static int run(Args args) throws IOException {
        if (!args.positional().isEmpty() && args.positional().get(0).equals("jfr-summary")) {
            return JfrSummary.run(args);
        }
        if (!args.positional().isEmpty() && args.positional().get(0).equals("delete-namespace")) {
            return BrokerNamespace.run(args);
        }
        if (!args.positional().isEmpty()
                && List.of("compare", "compare-report")
                        .contains(args.positional().get(0))) {
            return PeerComparison.run(args);
        }
        if (args.has("help")) {
            System.out.println(Tools.usage());
            return 0;
        }
        return new Benchmark(args).run();
    }

    private int run() throws IOException {
        String url = args.get("url", "http://127.0.0.1:8080");
        LoadGenerator.Mix mix = LoadGenerator.Mix.parse(args.get("mix", ""));
        int skuCount = args.integer("skus", 1000);
        // the C2 compilers of nine JVMs on two cores take twelve minutes to finish the hot paths; one JVM, minutes
        boolean distributed = "distributed".equals(mode);
        Duration warmup = args.duration("warmup", Duration.ofSeconds(distributed ? 30 : 10));
        Duration warmupMax = args.duration("warmup-max", Duration.ofSeconds(900));
        Duration step = args.duration("step", Duration.ofSeconds(8));
        // two minutes hold about two of autovacuum's once-a-minute rounds, where the tail at half the maximum is; in
        // 25 s a round came or did not, and goal 3 was met or missed by the run (docs/benchmarks.md)
        Duration openDuration = args.duration("open-duration", Duration.ofSeconds(120));
        Duration openSettleMax = args.duration("open-settle-max", Duration.ofSeconds(60));
        List<Integer> concurrency = Arrays.stream(
                        args.get("concurrency", "4,8,16,32,64").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        report.put("mode", mode);
        report.put("transport", args.get("transport", distributed ? "rabbitmq" : "postgres"));
        report.put("url", url);
        report.put("started_at", Instant.now().toString());
        report.put(
                "machine",
                Map.of(
                        "cores",
                        Runtime.getRuntime().availableProcessors(),
                        "java",
                        System.getProperty("java.version"),
                        "os",
                        System.getProperty("os.name") + " " + System.getProperty("os.version"),
                        // below 2, every response the load generator's HttpClient gets starts a thread (Tools)
                        "load_generator_async_pool_parallelism",
                        ForkJoinPool.getCommonPoolParallelism()));
        report.put("app_pids", cpu.appPids());
        report.put("mix", mix.toString());
        report.put("cost_per_order", costPerOrder());
        System.out.println("orderflow benchmark (" + mode + ") against " + url + "; results in " + out);
        System.out.println("Load generator: JDK HttpClient, responses completed on "
                + ForkJoinPool.getCommonPoolParallelism() + " common-pool worker(s)");
        System.out.println("Application process(es) for CPU: "
                + (cpu.appPids().isEmpty() ? "not found (use --app-pid)" : cpu.appPids()));

        List<String> skus = setUpSkus(jdbc, skuCount);
        report.put(
                "skus",
                Map.of(
                        "count",
                        skus.size(),
                        "setup",
                        "BENCH-0001.. inserted into catalog.product and "
                                + "inventory.stock over JDBC (no product admin API), 1,000,000 units each"));

        if (!"false".equals(args.get("ceiling", "true"))) {
            measureCeiling();
        }

        Map<String, Long> baseline = checker.stockTotals();
        Report.writeJson(out.resolve("stock-baseline.json"), baseline);

        int customerCount = args.integer("customers", 20);
        Customers customers = Customers.signUp(url, tag, customerCount);
        report.put(
                "authentication",
                customerCount == 0
                        ? "guest orders (no token)"
                        : customerCount
                                + " signed-in customers, orders placed and cancelled with their access tokens (RS256)");
        LoadGenerator load = new LoadGenerator(url, skus, mix, customers);
        LoadGenerator.Progress progress = new LoadGenerator.Progress(this::openOrders);

        report.put("warmup", warmUp(load, progress, customers, warmup, warmupMax));
        awaitOpenOrders(Duration.ofSeconds(30));
        report.put("vacuum", vacuumIfAutovacuumIsOff());
        // fresh tokens now: the sign-in they would need later (every customer's password checked) stays out of the
        // measured phases, which end well within half the tokens' lifetime
        customers.signInNow();

        System.out.println("Closed-loop search: " + concurrency + " clients, " + step.toSeconds() + " s each");
        List<Map<String, Object>> steps = new ArrayList<>();
        ClosedLoopSearch search = new ClosedLoopSearch();
        for (int clients : concurrency) {
            Cpu.Sample before = cpu.sample();
            Upkeep.Sample upkeepBefore = upkeep.sample();
            long commitsBefore = commits();
            Phase phase = load.closedLoop("closed-" + clients, tag + "-c" + clients + "-", clients, step, progress);
            Cpu.Usage usage = Cpu.between(before, cpu.sample());
            Map<String, Object> upkeepDuring = Upkeep.between(upkeepBefore, upkeep.sample());
            Duration drained = awaitOpenOrders(Duration.ofSeconds(30));
            long commitsDuring = commits() - commitsBefore;
            Map<String, Object> result = analyse(phase, usage);
            commitStats(result, commitsDuring, phase);
            result.put("db_upkeep", upkeepDuring);
            result.put("clients", clients);
            result.put("drain_seconds_after", drained.toMillis() / 1000.0);
            steps.add(result);
            double completed = (Double) result.get("terminal_per_second");
            double accepted = (Double) result.get("accepted_per_second");
            boolean sustainable = ClosedLoopSearch.sustainable(accepted, completed);
            result.put("sustainable", sustainable);
            System.out.printf(
                    Locale.ROOT,
                    "  %d clients: accepted %.0f/s, terminal %.0f/s, e2e p50 %s ms p99 %s ms, "
                            + "http p99 %s ms, app CPU %.2f cores (JIT %.2f, GC %.2f)%s%n",
                    clients,
                    accepted,
                    completed,
                    Report.path(result, "e2e_ms", "p50"),
                    Report.path(result, "e2e_ms", "p99"),
                    Report.path(result, "http_ms", "p99"),
                    usage.appCores(),
                    usage.appJitCores(),
                    usage.appGcCores(),
                    sustainable ? "" : " (backlog growing)");
            if (search.stopAfter(clients, accepted, completed)) {
                break;
            }
        }
        report.put("closed_loop_search", steps);
        double best = search.best();
        report.put("max_throughput", maxThroughput(best, "closed loop, " + search.bestClients() + " clients"));
        Duration drainDeadline = args.duration("drain-timeout", Duration.ofSeconds(120));

        // the overload phase before the open loop: when it finishes more than the closed loop did, half the maximum
        // is half of what it finished
        if (!"0".equals(args.get("overload-factor", "4"))) {
            Map<String, Object> overload = overload(
                    load,
                    progress,
                    best,
                    args.decimal("overload-factor", 4),
                    args.duration("overload-duration", Duration.ofSeconds(20)),
                    drainDeadline);
            report.put("overload", overload);
            // a bounded overload phase finished everything it accepted while refusing the rest: its finished rate is
            // the pipeline's sustained maximum too, and closed-loop clients that wait out Retry-After often stay below
            if (Boolean.TRUE.equals(overload.get("bounded"))
                    && overload.get("terminal_per_second") instanceof Double terminal
                    && terminal > best) {
                best = terminal;
                report.put(
                        "max_throughput",
                        maxThroughput(best, "overload phase (bounded: accepted within 10 % of " + "finished)"));
            }
        }

        double rate = args.has("open-rate") ? args.decimal("open-rate", 0) : Math.max(1, Math.floor(best / 2));
        System.out.printf(
                Locale.ROOT,
                "Open loop at %.0f orders/s (half the maximum) for %d s%n",
                rate,
                openDuration.toSeconds());
        int maxOutstanding = args.integer("max-outstanding", 2000);
        Settling settling = settle(load, progress, rate, openSettleMax, maxOutstanding);
        Cpu.Sample before = cpu.sample();
        Upkeep.Sample upkeepBefore = upkeep.sample();
        long commitsBefore = commits();
        Instant openStarted = Instant.now();
        MachineSeconds machineSeconds = MachineSeconds.start(cpu.appPids());
        Phase open = load.openLoop("open", tag + "-o-", rate, openDuration, maxOutstanding, progress);
        List<Map<String, Object>> openMachine = machineSeconds.stop();
        Cpu.Usage openCpu = Cpu.between(before, cpu.sample());
        Map<String, Object> openUpkeep = Upkeep.between(upkeepBefore, upkeep.sample());
        long openCommits = commits() - commitsBefore;

        System.out.println("Draining, then checking invariants ...");
        long t0 = System.nanoTime();
        boolean drained = checker.awaitDrained(drainDeadline, counts -> System.out.println("  in flight: " + counts));
        double drainSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> openResult = analyse(open, openCpu);
        commitStats(openResult, openCommits, open);
        openResult.put("db_upkeep", openUpkeep);
        openResult.put("target_rate", rate);
        openResult.put("drain_seconds_after", round(drainSeconds));
        putHops(openResult, open);
        // where an order's CPU goes at low load, where batches are small: beside the overload phase's in the report
        openResult.put("app_cpu_ms_by_process", msPerOrderByProcess(openCpu.appCoresByProcess(), (Double)
                openResult.get("terminal_per_second")));
        openResult.put("started_at", openStarted.toString());
        List<Map<String, Object>> openSeconds = bySecond(series.get(open.name), openMachine);
        openResult.put("by_second", openSeconds);
        openResult.put("slow_seconds", MachineSeconds.slowSeconds(openSeconds));
        report.put("open_loop", openResult);
        report.put("open_loop_settle", settling.result(this::analyse));
        charts(open, steps);

        InvariantChecker.Result check = checker.checkSettled(baseline, Duration.ofSeconds(drained ? 10 : 0));
        Map<String, Object> checkReport = new LinkedHashMap<>();
        checkReport.put("drained", drained);
        checkReport.put("passed", check.passed() && drained);
        checkReport.put("violations", check.messages());
        checkReport.put("stats", check.stats());
        if (!drained) {
            checkReport.put("still_in_flight", checker.inFlight());
        }
        report.put("invariants", checkReport);
        report.put("targets", targets(best, openResult));
        report.put("finished_at", Instant.now().toString());
        Report.writeJson(out.resolve("results.json"), report);
        Files.writeString(out.resolve("report.md"), markdown());
        System.out.println();
        System.out.println(Files.readString(out.resolve("report.md")));
        System.out.println("Results: " + out.toAbsolutePath());
        return check.passed() && drained ? 0 : 1;
    }

    /**
     * What autovacuum would have done during the warm-up, where the server does not run it: the outbox tables' deleted
     * rows and the dead index entries of every status change would otherwise stay, and every scan of those tables in
     * the measured phases would walk through a quarter of an hour of them (PostgreSQL's default is {@code autovacuum =
     * on}; this project's benchmark machine has it off). {@code --vacuum false} leaves the database as it is.
     */
    private String vacuumIfAutovacuumIsOff() {
        if ("false".equals(args.get("vacuum", "true"))) {
            return "not vacuumed (--vacuum false)";
        }
        String done = vacuumIfAutovacuumIsOff(jdbc);
        System.out.println(done);
        return done;
    }

    /** VACUUM (ANALYZE) of the database when its server runs no autovacuum; what was done, as one line. */
    static String vacuumIfAutovacuumIsOff(JdbcClient jdbc) {
        String autovacuum = jdbc.sql("show autovacuum").query(String.class).single();
        if (!"off".equals(autovacuum)) {
            return "autovacuum is on: left to it";
        }
        long start = System.nanoTime();
        jdbc.sql("vacuum (analyze)").update();
        return String.format(
                Locale.ROOT,
                "autovacuum is off on this server: VACUUM (ANALYZE) after the warm-up, %.1f s",
                (System.nanoTime() - start) / 1e9);
    }

    /** Rounds of the open loop's rate run before it is measured, with the JIT compilers' share of each. */
    record Settling(List<Phase> rounds, List<Cpu.Usage> usage, boolean settled) {

        /**
         * What the settling did: its rounds' JIT shares, their e2e p50 and p99 (read once the orders have finished,
         * so that no query of the benchmark's runs just before the measured phase), whether the compilers were done.
         */
        Map<String, Object> result(BiFunction<Phase, Cpu.Usage, Map<String, Object>> analyse) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Double> jit = new ArrayList<>();
            List<Object> p50 = new ArrayList<>();
            List<Object> p99 = new ArrayList<>();
            double seconds = 0;
            for (int i = 0; i < rounds.size(); i++) {
                Map<String, Object> analysed = analyse.apply(rounds.get(i), usage.get(i));
                seconds += rounds.get(i).seconds();
                jit.add(round(jitShare(usage.get(i))));
                p50.add(Report.path(analysed, "e2e_ms", "p50"));
                p99.add(Report.path(analysed, "e2e_ms", "p99"));
            }
            m.put("seconds", round(seconds));
            m.put("rounds", rounds.size());
            m.put("jit_share_by_round", jit);
            m.put("e2e_p50_ms_by_round", p50);
            m.put("e2e_p99_ms_by_round", p99);
            m.put("settled", settled);
            return m;
        }
    }

    private static double jitShare(Cpu.Usage usage) {
        return usage.appCores() > 0 ? usage.appJitCores() / usage.appCores() : 0;
    }

    /**
     * The open loop's rate in 10-second rounds, before the phase is measured, until a round in which the JIT
     * compilers took at most {@link #COMPILED_JIT_SHARE} of the application's CPU, or until {@code max} (zero: no
     * round). The overload phase just before reaches code the warm-up never did (refusals by the hundred a second),
     * and in the distributed mode the compilers then took 0.1-0.3 cores in the open loop's first ten seconds, where
     * most of its slow seconds were (docs/benchmarks.md, twenty-fifth session). Goal 3 is the steady state at half
     * the maximum, as the warm-up's rule has it; the settling rounds are reported with their own latency.
     */
    private Settling settle(
            LoadGenerator load, LoadGenerator.Progress progress, double rate, Duration max, int maxOutstanding) {
        List<Phase> rounds = new ArrayList<>();
        List<Cpu.Usage> usage = new ArrayList<>();
        if (max.isZero() || max.isNegative()) {
            return new Settling(rounds, usage, false);
        }
        System.out.println("Settling at the open loop's rate until the JIT compilers are done (at most "
                + max.toSeconds() + " s)");
        Duration round = Duration.ofSeconds(Math.min(10, Math.max(1, max.toSeconds())));
        long started = System.nanoTime();
        while (true) {
            Cpu.Sample before = cpu.sample();
            Phase phase = load.openLoop(
                    "settle-" + (rounds.size() + 1),
                    tag + "-s" + rounds.size() + "-",
                    rate,
                    round,
                    maxOutstanding,
                    progress);
            Cpu.Usage used = Cpu.between(before, cpu.sample());
            rounds.add(phase);
            usage.add(used);
            double share = jitShare(used);
            System.out.printf(
                    Locale.ROOT,
                    "  settling round %d: JIT compilers %.0f %% of the application's CPU%n",
                    rounds.size(),
                    share * 100);
            boolean compiled = share <= COMPILED_JIT_SHARE;
            if (compiled || Duration.ofNanos(System.nanoTime() - started).compareTo(max) >= 0) {
                return new Settling(rounds, usage, compiled);
            }
        }
    }

    /** The JIT compilers' share of the application's CPU at or under which a warm-up round counts as compiled. */
    static final double COMPILED_JIT_SHARE = 0.10;

    /**
     * Closed loop, 8 clients, in 10-second rounds until the JIT compilers are done, once {@code min} has passed, or
     * until {@code max} has: what is measured after is the steady state of a process that has run for a while. Done
     * means the compiler threads took at most a tenth of the application's CPU in each of the last three rounds (C2
     * on nine JVMs sharing two cores: twelve minutes; one JVM: four). The rate is reported, not waited for: it rose
     * with the compilers' progress, and once they were done it still moved by 15 % from round to round, so "the
     * best round so far" (an earlier rule) was often one that never came again.
     *
     * <p>Every customer signs in again before each round. The round of sign-ins just before the measured phases used
     * to reach code that C2 had compiled for orders only (a validator of another class, the other branch of a
     * connection's auto-commit): 24 of its methods were thrown away within 0.3 s, so the first measured step ran on
     * code being compiled again. Signed in throughout the warm-up, the compiled code has seen both.
     */
    private Map<String, Object> warmUp(
            LoadGenerator load, LoadGenerator.Progress progress, Customers customers, Duration min, Duration max)
            throws IOException {
        System.out.println("Warm-up: closed loop, 8 clients, at least " + min.toSeconds() + " s, until the JIT "
                + "compilers are done (at most " + max.toSeconds() + " s)");
        Duration round = Duration.ofSeconds(Math.min(10, Math.max(1, min.toSeconds())));
        List<Double> rates = new ArrayList<>();
        Map<String, Long> errors = new TreeMap<>();
        long accepted = 0;
        long started = System.nanoTime();
        int compiledRounds = 0;
        List<Double> jitShares = new ArrayList<>();
        while (true) {
            customers.signInNow();
            Cpu.Sample before = cpu.sample();
            Phase phase = load.closedLoop("warmup", tag + "-w" + rates.size() + "-", 8, round, progress);
            Cpu.Usage usage = Cpu.between(before, cpu.sample());
            double rate = phase.accepted.get() / Math.max(0.001, phase.seconds());
            double jitShare = jitShare(usage);
            accepted += phase.accepted.get();
            phase.errorsByKind().forEach((kind, count) -> errors.merge(kind, count, Long::sum));
            rates.add(round(rate));
            jitShares.add(round(jitShare));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            // compiled: C2 is done with the hot paths; with it still compiling, the distributed mode ran at two
            // thirds of its later rate (docs/benchmarks.md)
            compiledRounds = jitShare <= COMPILED_JIT_SHARE ? compiledRounds + 1 : 0;
            boolean settled = compiledRounds >= 3;
            System.out.printf(
                    Locale.ROOT,
                    "  warm-up round %d: %.1f orders/s accepted, JIT compilers %.0f %% of the application's CPU%n",
                    rates.size(),
                    rate,
                    jitShare * 100);
            if (elapsed.compareTo(max) >= 0 || (elapsed.compareTo(min) >= 0 && settled)) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("seconds", round(elapsed.toMillis() / 1000.0));
                result.put("accepted", accepted);
                result.put("round_seconds", round.toSeconds());
                result.put("accepted_per_second_by_round", rates);
                result.put("jit_share_by_round", jitShares);
                result.put("settled", settled);
                result.put("sign_ins_before_each_round", customers.count());
                result.put("errors", errors);
                return result;
            }
        }
    }

    private static Map<String, Object> maxThroughput(double terminalPerSecond, String phase) {
        return Map.of(
                "terminal_orders_per_second",
                round(terminalPerSecond),
                "phase",
                phase,
                "definition",
                "highest rate of orders reaching a terminal state in a closed-loop step or in a bounded overload phase");
    }

    // --- setup and ceiling --------------------------------------------------------------------------------

    /** BENCH-0001 to BENCH-{@code count}: the benchmark's SKUs, the same in every system it loads. */
    static List<String> skuNames(int count) {
        List<String> skus = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            skus.add(String.format(Locale.ROOT, "BENCH-%04d", i));
        }
        return skus;
    }

    /** BENCH-0001.. in catalog.product and inventory.stock, 1,000,000 units each (there is no product admin API). */
    static List<String> setUpSkus(JdbcClient jdbc, int count) {
        List<String> skus = skuNames(count);
        String[] array = skus.toArray(String[]::new);
        int products = jdbc.sql("insert into catalog.product (sku, name, description, price, currency, available) "
                        + "select s, 'Benchmark item ' || s, 'inserted by the benchmark', 5 + (row_number() over ()) % 95, "
                        + "'USD', 1000000 from unnest(?::text[]) s on conflict (sku) do nothing")
                .param(array)
                .update();
        int stock = jdbc.sql("insert into inventory.stock (sku, available) select s, 1000000 from unnest(?::text[]) s "
                        + "on conflict (sku) do nothing")
                .param(array)
                .update();
        System.out.println("Benchmark SKUs: " + count + " (" + products + " products and " + stock
                + " stock rows inserted, the rest existed)");
        return skus;
    }

    /**
     * The machine's ceiling, with the application paused by default in the distributed mode: nine freshly started JVMs
     * still compiling took about 0.9 of the two cores while pgbench ran (docs/benchmarks.md), so the ceiling read
     * lower the more CPU the idle application burnt. {@code --ceiling-app paused|running} chooses; the embedded mode
     * keeps {@code running} (one JVM; its earlier ratios were measured so).
     */
    private void measureCeiling() {
        boolean pause = "paused".equals(args.get("ceiling-app", "distributed".equals(mode) ? "paused" : "running"))
                && !cpu.appPids().isEmpty();
        if (!pause) {
            measureCeilingNow("running");
            return;
        }
        System.out.println("Ceiling: the application's processes paused (SIGSTOP) while it is measured");
        signalApp("STOP");
        try {
            measureCeilingNow("paused");
        } finally {
            signalApp("CONT");
        }
    }

    /** Sends {@code signal} to every application process (SIGSTOP pauses one, SIGCONT resumes it). */
    private void signalApp(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        cpu.appPids().forEach(pid -> command.add(Long.toString(pid)));
        try {
            Process kill = new ProcessBuilder(command).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                System.out.println("  kill -" + signal + " did not reach every process " + cpu.appPids());
            }
        } catch (IOException e) {
            System.out.println("  cannot send " + signal + " to the application: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void measureCeilingNow(String application) {
        Map<String, Object> ceiling = new LinkedHashMap<>();
        ceiling.put("application", application);
        int seconds = args.integer("pgbench-seconds", 20);
        int clients = args.integer("pgbench-clients", 16);
        System.out.println(
                "Ceiling: pgbench, " + clients + " clients, " + seconds + " s, one saga-step transaction ...");
        Cpu.Sample before = cpu.sample();
        Map<String, Object> pg = Ceiling.pgbench(db, args.get("pgbench", "/usr/bin/pgbench"), clients, seconds, out);
        pg.put("cpu", Cpu.between(before, cpu.sample()).toMap());
        ceiling.put("postgres", pg);
        System.out.println(
                "  " + pg.get("tps") + " transactions/s" + (pg.containsKey("error") ? " " + pg.get("error") : ""));
        if (args.has("perftest-classpath")) {
            int mqSeconds = args.integer("perftest-seconds", 20);
            System.out.println("Ceiling: RabbitMQ perf-test, persistent, confirms, " + mqSeconds + " s ...");
            Map<String, Object> mq = Ceiling.perfTest(
                    args.get("perftest-classpath", ""),
                    args.get("rabbit-uri", "amqp://guest:guest@127.0.0.1:5672"),
                    mqSeconds,
                    out);
            ceiling.put("rabbitmq", mq);
            System.out.println("  " + mq.get("consumed_per_second") + " messages/s"
                    + (mq.containsKey("error") ? " " + mq.get("error") : ""));
        }
        if (args.has("redis-benchmark")) {
            int requests = args.integer("redis-benchmark-requests", 100_000);
            System.out.println("Ceiling: redis-benchmark, " + requests + " XADD, then as many XREADGROUP + XACK ...");
            Map<String, Object> redis = Ceiling.redisBenchmark(
                    args.get("redis-benchmark", "redis-benchmark"),
                    args.get("redis-uri", "redis://127.0.0.1:6379"),
                    requests,
                    out);
            ceiling.put("redis", redis);
            System.out.println("  " + redis.get("messages_per_second") + " messages/s (added "
                    + redis.get("published_per_second") + "/s, read and acknowledged "
                    + redis.get("consumed_per_second")
                    + "/s)" + (redis.containsKey("error") ? " " + redis.get("error") : ""));
        }
        report.put("ceiling", ceiling);
    }

    private Map<String, Object> costPerOrder() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("messages_published", counted.published());
        c.put("message_deliveries", counted.deliveries());
        c.put("critical_path_hops", counted.criticalPathHops());
        c.put("db_transactions_http", CountedCost.HTTP_TRANSACTIONS);
        c.put("db_transactions_consumers", counted.consumerTransactions());
        c.put("db_transactions_relay_max", counted.relayMax());
        c.put("db_transactions_total_max", counted.transactionsMax());
        return c;
    }

    // --- measuring a phase --------------------------------------------------------------------------------

    /** Transactions committed in orderflow's database so far (every process, the benchmark's own queries too). */
    private long commits() {
        return jdbc.sql("select xact_commit from pg_stat_database where datname = current_database()")
                .query(Long.class)
                .single();
    }

    /**
     * Calls per statement so far, from pg_stat_statements when the server loads it (the embedded benchmark does);
     * empty when it does not.
     */
    static Map<String, Long> statements(JdbcClient jdbc) {
        try {
            boolean loaded = jdbc.sql("select current_setting('shared_preload_libraries') like '%pg_stat_statements%'")
                    .query(Boolean.class)
                    .single();
            if (!loaded) {
                return Map.of(); // and no extension created in a database that cannot use it
            }
            jdbc.sql("create extension if not exists pg_stat_statements").update();
            Map<String, Long> calls = new LinkedHashMap<>();
            jdbc.sql(
                            "select queryid::text, left(regexp_replace(query, '\\s+', ' ', 'g'), 140), calls "
                                    + "from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())")
                    .query((rs, n) -> calls.merge(rs.getString(1) + "\t" + rs.getString(2), rs.getLong(3), Long::sum))
                    .list();
            return calls;
        } catch (RuntimeException notLoaded) {
            return Map.of();
        }
    }

    /** Statements per finished order and the ten most frequent, between two {@link #statements(JdbcClient)} readings. */
    static Map<String, Object> statementStats(Map<String, Long> before, Map<String, Long> after, long terminalOrders) {
        if (after.isEmpty() || terminalOrders == 0) {
            return null;
        }
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((key, calls) -> {
            long d = calls - before.getOrDefault(key, 0L);
            if (d > 0) {
                delta.put(key.substring(key.indexOf('\t') + 1), d);
            }
        });
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        List<Map<String, Object>> top = delta.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(10)
                .map(e -> Map.<String, Object>of(
                        "statement", e.getKey(), "per_finished_order", round((double) e.getValue() / terminalOrders)))
                .toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("per_finished_order", round((double) total / terminalOrders));
        m.put("top", top);
        return m;
    }

    /**
     * The message journal's rows and bytes (tables and indexes, every module's partitions) so far: what recording
     * every hop costs in storage. Zero when the journal is off ({@code orderflow.journal.enabled=false}).
     */
    private long[] journal() {
        return jdbc.sql("select coalesce(sum(coalesce(s.n_tup_ins, 0)), 0), "
                        + "coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_inherits i "
                        + "join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent "
                        + "left join pg_stat_user_tables s on s.relid = c.oid where p.relname = 'journal'")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
    }

    /** Rows written (inserted, updated, deleted) in this database so far: the statements' work, by its effect. */
    private long rowWrites() {
        return jdbc.sql("select tup_inserted + tup_updated + tup_deleted from pg_stat_database "
                        + "where datname = current_database()")
                .query(Long.class)
                .single();
    }

    /**
     * Offered load far above what the pipeline finishes (a multiple of the measured maximum, open loop): admission
     * control should keep accepting about what it finishes, refuse the rest with 503, and keep the orders it took
     * fast. Also the phase that measures what one finished order costs.
     */
    private Map<String, Object> overload(
            LoadGenerator load,
            LoadGenerator.Progress progress,
            double max,
            double factor,
            Duration duration,
            Duration drainDeadline)
            throws IOException {
        double rate = Math.max(4, Math.round(max * factor));
        System.out.printf(
                Locale.ROOT,
                "Overload: open loop at %.0f orders/s (%.0f x the maximum) for %d s%n",
                rate,
                factor,
                duration.toSeconds());
        Cpu.Sample before = cpu.sample();
        Upkeep.Sample upkeepBefore = upkeep.sample();
        long commitsBefore = commits();
        long writesBefore = rowWrites();
        long[] journalBefore = journal();
        Map<String, Long> statementsBefore = statements(jdbc);
        Phase phase = load.openLoop("overload", tag + "-x-", rate, duration, 100_000, progress);
        Map<String, Long> statementsAfter = statements(jdbc);
        Cpu.Usage usage = Cpu.between(before, cpu.sample());
        Map<String, Object> upkeepDuring = Upkeep.between(upkeepBefore, upkeep.sample());
        long commitsDuring = commits() - commitsBefore;
        long writesDuring = rowWrites() - writesBefore;
        long[] journalAfter = journal();
        checker.awaitDrained(drainDeadline, counts -> System.out.println("  in flight: " + counts));
        Map<String, Object> result = analyse(phase, usage);
        commitStats(result, commitsDuring, phase);
        result.put("db_upkeep", upkeepDuring);
        putHops(result, phase);
        double seconds = phase.seconds();
        double accepted = phase.accepted.get() / seconds;
        double terminal = (Double) result.get("terminal_per_second");
        long terminalOrders = Math.round(terminal * seconds);
        result.put("offered_per_second", rate);
        result.put("accepted_over_terminal", terminal == 0 ? null : round(accepted / terminal));
        Object p99 = Report.path(result, "e2e_ms", "p99");
        result.put(
                "bounded",
                terminal > 0
                        && Math.abs(accepted - terminal) <= 0.1 * terminal
                        && p99 instanceof Number n
                        && n.doubleValue() < 1000);
        if (terminalOrders > 0) {
            Map<String, Object> cost = new LinkedHashMap<>();
            cost.put("db_commits", round((double) commitsDuring / terminalOrders));
            cost.put("db_row_writes", round((double) writesDuring / terminalOrders));
            // cores busy through the phase, as milliseconds of CPU per finished order
            DoubleUnaryOperator msPerOrder = cores -> round(cores * seconds * 1000 / terminalOrders);
            cost.put("app_cpu_ms", msPerOrder.applyAsDouble(usage.appCores()));
            cost.put(
                    "app_cpu_ms_by_process",
                    msPerOrderByProcess(usage.appCoresByProcess(), (double) terminalOrders / seconds));
            cost.put("app_jit_cpu_ms", msPerOrder.applyAsDouble(usage.appJitCores()));
            cost.put("app_gc_cpu_ms", msPerOrder.applyAsDouble(usage.appGcCores()));
            cost.put("postgres_cpu_ms", msPerOrder.applyAsDouble(usage.postgresCores()));
            cost.put("rabbitmq_cpu_ms", msPerOrder.applyAsDouble(usage.rabbitmqCores()));
            cost.put("redis_cpu_ms", msPerOrder.applyAsDouble(usage.redisCores()));
            cost.put("context_switches", round(usage.contextSwitchesPerSecond() * seconds / terminalOrders));
            // n_tup_ins is the statistics collector's count: reported a moment after each commit, close enough here
            cost.put("journal_rows", round((double) (journalAfter[0] - journalBefore[0]) / terminalOrders));
            cost.put("journal_bytes", Math.round((double) (journalAfter[1] - journalBefore[1]) / terminalOrders));
            Map<String, Object> statements = statementStats(statementsBefore, statementsAfter, terminalOrders);
            if (statements != null) {
                cost.put("statements", statements.get("per_finished_order"));
                result.put("statements_per_finished_order", statements);
            }
            cost.put(
                    "measured",
                    "during the overload phase, per order that reached a terminal state in it "
                            + "(pg_stat_database xact_commit and tup_inserted+updated+deleted; CPU from /proc)");
            result.put("cost_per_terminal_order", cost);
        }
        double[][] s = series.get(phase.name);
        int n = s[0].length;
        double[] refusedPerSecond = new double[n];
        for (int i = 0; i < n; i++) {
            refusedPerSecond[i] = phase.refusedPerSecond.get(i);
        }
        Charts.line(
                out.resolve("overload.png"),
                String.format(Locale.ROOT, "Overload: %.0f orders/s offered (%s)", rate, mode),
                "seconds",
                "orders/s",
                List.of(
                        new Series("accepted (202)", s[0], s[1]),
                        new Series("reached terminal state", s[0], s[2]),
                        new Series("refused (503)", s[0], refusedPerSecond)));
        Charts.line(
                out.resolve("overload-latency.png"),
                "Overload: end-to-end latency of accepted orders (" + mode + ")",
                "seconds",
                "ms",
                List.of(
                        new Series("end-to-end p50", s[0], s[3]),
                        new Series("end-to-end p99", s[0], s[4]),
                        new Series("HTTP p99", s[0], s[5])));
        System.out.printf(
                Locale.ROOT,
                "  offered %.0f/s: accepted %.1f/s, terminal %.1f/s, refused %.1f/s, e2e p99 %s ms%n",
                rate,
                accepted,
                terminal,
                phase.refused.get() / seconds,
                p99);
        return result;
    }

    /**
     * The machine's context switches in a phase per order that reached a terminal state in it; null when none did or
     * the switches were not counted.
     */
    static @Nullable Double switchesPerOrder(Map<String, Object> phase) {
        if (Report.path(phase, "cpu", "machine_context_switches_per_second") instanceof Number perSecond
                && phase.get("terminal_per_second") instanceof Number terminal
                && terminal.doubleValue() > 0) {
            return round(perSecond.doubleValue() / terminal.doubleValue());
        }
        return null;
    }

    /**
     * The share of the phase in which some task waited for a core, some task waited for the disk, and every task with
     * work waited for the disk (the kernel's pressure stall information); "–" where the kernel gives none.
     */
    static String pressureCell(Map<String, Object> phase) {
        if (Report.path(phase, "cpu", "pressure_percent") == null) {
            return "–";
        }
        return Report.cell(Report.path(phase, "cpu", "pressure_percent", "cpu_some")) + " / "
                + Report.cell(Report.path(phase, "cpu", "pressure_percent", "io_some")) + " / "
                + Report.cell(Report.path(phase, "cpu", "pressure_percent", "io_full"));
    }

    /** The phase's WAL flushes, mean and worst second's mean; "not timed" when the server did not time them. */
    static String walFlushCell(Map<String, Object> phase) {
        if (Report.path(phase, "cpu", "wal_flush_ms") == null) {
            return "not timed";
        }
        return Report.cell(Report.path(phase, "cpu", "wal_flush_ms", "mean")) + " / "
                + Report.cell(Report.path(phase, "cpu", "wal_flush_ms", "worst_interval_mean"));
    }

    private static void commitStats(Map<String, Object> result, long commits, Phase phase) {
        result.put("db_commits_per_second", round(commits / phase.seconds()));
        result.put(
                "db_commits_per_accepted_order",
                phase.accepted.get() == 0 ? null : round((double) commits / phase.accepted.get()));
    }

    private long openOrders() {
        return jdbc.sql("select count(*) from orders.purchase_order where status not in "
                        + InvariantChecker.TERMINAL_SQL)
                .query(Long.class)
                .single();
    }

    private Duration awaitOpenOrders(Duration max) {
        long start = System.nanoTime();
        long end = start + max.toNanos();
        while (System.nanoTime() < end && openOrders() > 0) {
            Quietly.sleep(250);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * The time per hop of the phase's orders and their slow deliveries (message journal), into the phase's result; read
     * after the drain, and after the journal writers' flush interval (200 ms by default), so that the last deliveries
     * are in it.
     */
    private void putHops(Map<String, Object> result, Phase p) {
        Quietly.sleep(JOURNAL_FLUSH_WAIT_MS);
        result.put("hops", Hops.toMaps(Hops.of(jdbc, p.prefix)));
        result.put("slow_deliveries", Hops.slowDeliveries(jdbc, p.prefix, SLOW_WINDOWS));
    }

    /** A phase's time per hop and its slow deliveries (as read back from the results), for the report. */
    @SuppressWarnings("unchecked")
    private static String hopsMarkdown(Map<String, Object> phase) {
        return Hops.markdown((List<Map<String, Object>>) phase.getOrDefault("hops", List.of()))
                + "\n"
                + Hops.slowDeliveriesLine((Map<String, Object>) phase.get("slow_deliveries"));
    }

    private static final long JOURNAL_FLUSH_WAIT_MS = 1_000;
    /** The windows of slow deliveries the report names per phase ({@link Hops#slowDeliveries}). */
    private static final int SLOW_WINDOWS = 3;

    private record OrderRow(String status, long createdMs, long terminalMs) {}

    private final Map<String, double[][]> series = new LinkedHashMap<>();

    /** The client's view plus each order's own timestamps: created_at to its terminal event. */
    private Map<String, Object> analyse(Phase p, Cpu.Usage usage) {
        List<OrderRow> rows = jdbc.sql("select o.status, o.created_at, e.occurred_at from orders.purchase_order o "
                        + "left join orders.order_event e on e.order_id = o.id "
                        + "and e.type in ('order_completed', 'order_failed', 'order_cancelled') where o.id like ?")
                .param(p.prefix + "%")
                .query((rs, n) -> new OrderRow(
                        rs.getString(1),
                        rs.getTimestamp(2).getTime(),
                        rs.getTimestamp(3) == null ? -1 : rs.getTimestamp(3).getTime()))
                .list();
        long start = p.startedAt.toEpochMilli();
        long end = p.endedAt.toEpochMilli();
        double seconds = p.seconds();
        int n = (int) Math.ceil(seconds) + 1;
        Histogram e2e = new Histogram(3_600_000_000L, 3);
        Histogram e2eCompleted = new Histogram(3_600_000_000L, 3);
        Histogram[] e2ePerSecond = new Histogram[n];
        double[] terminalPerSecond = new double[n];
        long terminalInWindow = 0;
        Map<String, Long> statuses = new TreeMap<>();
        for (OrderRow r : rows) {
            statuses.merge(r.status(), 1L, Long::sum);
            if (r.terminalMs() < 0) {
                continue;
            }
            long micros = Math.max(1, (r.terminalMs() - r.createdMs()) * 1000);
            e2e.recordValue(Math.min(micros, e2e.getHighestTrackableValue()));
            if ("completed".equals(r.status())) {
                e2eCompleted.recordValue(Math.min(micros, e2e.getHighestTrackableValue()));
            }
            int s = (int) ((r.createdMs() - start) / 1000);
            if (s >= 0 && s < n) {
                if (e2ePerSecond[s] == null) {
                    e2ePerSecond[s] = new Histogram(3_600_000_000L, 2);
                }
                e2ePerSecond[s].recordValue(Math.min(micros, 3_600_000_000L));
            }
            if (r.terminalMs() >= start && r.terminalMs() <= end) {
                terminalInWindow++;
                int t = (int) ((r.terminalMs() - start) / 1000);
                if (t < n) {
                    terminalPerSecond[t]++;
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", p.name);
        m.put("shape", p.shape);
        m.put("seconds", round(seconds));
        m.put("attempted", p.attempted.get());
        m.put("accepted", p.accepted.get());
        m.put("accepted_per_second", round(p.accepted.get() / seconds));
        m.put("terminal_per_second", round(terminalInWindow / seconds));
        // refused by admission control (503): in a closed loop each refusal sends a client to sleep for its Retry-After
        m.put("refused", p.refused.get());
        m.put("refused_per_second", round(p.refused.get() / seconds));
        m.put("orders_by_status", statuses);
        m.put("requests_by_kind", p.kinds());
        m.put("cancel", Map.of("cancelled", p.cancelled.get(), "too_late_409", p.cancelTooLate.get()));
        m.put("errors", p.errorsByKind());
        m.put("http_ms", percentiles(p.http));
        Map<String, Object> byAnswer = new LinkedHashMap<>();
        byAnswer.put("accepted_202", percentiles(p.httpAccepted));
        byAnswer.put("refused_503", percentiles(p.httpRefused));
        m.put("http_ms_by_answer", byAnswer);
        m.put("e2e_ms", percentiles(e2e));
        m.put("e2e_completed_ms", percentiles(e2eCompleted));
        m.put("cpu", usage.toMap());
        double[] x = new double[n];
        double[] accepted = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        double[] httpP99 = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            accepted[i] = i < LoadGenerator.Phase.MAX_SECONDS ? p.acceptedPerSecond.get(i) : 0;
            p50[i] = e2ePerSecond[i] == null ? Double.NaN : e2ePerSecond[i].getValueAtPercentile(50) / 1000.0;
            p99[i] = e2ePerSecond[i] == null ? Double.NaN : e2ePerSecond[i].getValueAtPercentile(99) / 1000.0;
            synchronized (p.httpPerSecond) {
                httpP99[i] = i < p.httpPerSecond.size()
                        ? p.httpPerSecond.get(i).getValueAtPercentile(99) / 1000.0
                        : Double.NaN;
            }
        }
        // the last, partial second distorts rates: drop it from the charts
        int keep = Math.max(1, (int) Math.floor(seconds));
        series.put(p.name, new double[][] {
            Arrays.copyOf(x, keep),
            Arrays.copyOf(accepted, keep),
            Arrays.copyOf(terminalPerSecond, keep),
            Arrays.copyOf(p50, keep),
            Arrays.copyOf(p99, keep),
            Arrays.copyOf(httpP99, keep)
        });
        return m;
    }

    /**
     * A phase's seconds, as its charts draw them: orders accepted and finished in each second, and the latency
     * percentiles of the orders accepted in it ({@code null} where none was), with the machine's readings of that
     * second where {@code machine} has them ({@link MachineSeconds}). With {@code started_at}, a second can be
     * lined up with the servers' logs: where the tail is in time tells what caused it (docs/benchmarks.md).
     */
    static List<Map<String, Object>> bySecond(double[][] s, List<Map<String, Object>> machine) {
        List<Map<String, Object>> seconds = new ArrayList<>();
        for (int i = 0; i < s[0].length; i++) {
            Map<String, Object> second = new LinkedHashMap<>();
            second.put("second", (int) s[0][i]);
            second.put("accepted", (long) s[1][i]);
            second.put("terminal", (long) s[2][i]);
            second.put("e2e_p50_ms", Double.isNaN(s[3][i]) ? null : round(s[3][i]));
            second.put("e2e_p99_ms", Double.isNaN(s[4][i]) ? null : round(s[4][i]));
            second.put("http_p99_ms", Double.isNaN(s[5][i]) ? null : round(s[5][i]));
            if (i < machine.size()) {
                second.putAll(machine.get(i));
            }
            seconds.add(second);
        }
        return seconds;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("p50", round(h.getValueAtPercentile(50) / 1000.0));
        m.put("p95", round(h.getValueAtPercentile(95) / 1000.0));
        m.put("p99", round(h.getValueAtPercentile(99) / 1000.0));
        m.put("max", round(h.getMaxValue() / 1000.0));
        m.put("mean", round(h.getMean() / 1000.0));
        return m;
    }

    private void charts(Phase open, List<Map<String, Object>> steps) throws IOException {
        double[][] s = series.get(open.name);
        Charts.line(
                out.resolve("throughput.png"),
                "Open loop: orders per second (" + mode + ")",
                "seconds",
                "orders/s",
                List.of(
                        new Series("accepted (HTTP 202)", s[0], s[1]),
                        new Series("reached terminal state", s[0], s[2])));
        Charts.line(
                out.resolve("latency.png"),
                "Open loop: latency by second of acceptance (" + mode + ")",
                "seconds",
                "ms",
                List.of(
                        new Series("end-to-end p50", s[0], s[3]),
                        new Series("end-to-end p99", s[0], s[4]),
                        new Series("HTTP p99", s[0], s[5])));
        int k = steps.size();
        double[] clients = new double[k];
        double[] acc = new double[k];
        double[] term = new double[k];
        double[] p99 = new double[k];
        for (int i = 0; i < k; i++) {
            clients[i] = ((Number) steps.get(i).get("clients")).doubleValue();
            acc[i] = (Double) steps.get(i).get("accepted_per_second");
            term[i] = (Double) steps.get(i).get("terminal_per_second");
            Object v = Report.path(steps.get(i), "e2e_ms", "p99");
            p99[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        Charts.line(
                out.resolve("search.png"),
                "Closed-loop search: throughput by clients (" + mode + ")",
                "clients",
                "orders/s",
                List.of(new Series("accepted/s", clients, acc), new Series("terminal/s", clients, term)));
        Charts.line(
                out.resolve("search-latency.png"),
                "Closed-loop search: end-to-end p99 by clients (" + mode + ")",
                "clients",
                "ms",
                List.of(new Series("end-to-end p99", clients, p99)));
    }

    private Map<String, Object> targets(double max, Map<String, Object> open) {
        Map<String, Object> t = new LinkedHashMap<>();
        // the throughput goal is a share of the hop-equivalent ceiling measured in the same run (docs/benchmarks.md)
        double ratioGoal = "embedded".equals(mode) ? 0.25 : 0.15;
        Object p50 = Report.path(open, "e2e_ms", "p50");
        Object p99 = Report.path(open, "e2e_ms", "p99");
        t.put("throughput_ratio_goal", ratioGoal);
        t.put("e2e_p50_target_ms", 30);
        t.put("e2e_p50_met", p50 != null && ((Number) p50).doubleValue() <= 30);
        t.put("e2e_p99_target_ms", 150);
        t.put("e2e_p99_met", p99 != null && ((Number) p99).doubleValue() <= 150);
        Map<String, Object> ceiling = cast(report.get("ceiling"));
        if (ceiling != null) {
            Object tps = Report.path(ceiling, "postgres", "tps");
            if (tps instanceof Number n && n.doubleValue() > 0) {
                double orders = n.doubleValue() / counted.transactionsMax();
                t.put("postgres_ceiling_orders_per_second", round(orders));
                t.put("ratio_to_postgres_ceiling", round(max / orders));
                t.put("postgres_tps_ceiling", n);
                // the yardstick: the HTTP commit and the nine hops of the happy path, one saga step each
                t.put("hop_equivalent_ceiling", round(n.doubleValue() / 10));
                t.put("throughput_target", round(ratioGoal * n.doubleValue() / 10));
                t.put("throughput_met", max >= ratioGoal * n.doubleValue() / 10);
                t.put("ratio_to_hop_equivalent_ceiling", round(max / (n.doubleValue() / 10)));
                t.put("ratio_of_raw_tps", round(max * counted.transactionsMax() / n.doubleValue()));
            }
            Object mq = Report.path(ceiling, "rabbitmq", "consumed_per_second");
            if (mq instanceof Number n && n.doubleValue() > 0) {
                double orders = n.doubleValue() / counted.deliveries();
                t.put("rabbitmq_ceiling_orders_per_second", round(orders));
                t.put("ratio_to_rabbitmq_ceiling", round(max / orders));
            }
            Object redis = Report.path(ceiling, "redis", "messages_per_second");
            if (redis instanceof Number n && n.doubleValue() > 0) {
                double orders = n.doubleValue() / counted.deliveries();
                t.put("redis_ceiling_orders_per_second", round(orders));
                t.put("ratio_to_redis_ceiling", round(max / orders));
            }
        }
        return t;
    }

    // --- markdown -----------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# orderflow benchmark: ")
                .append(mode)
                .append(" (transport ")
                .append(report.get("transport"))
                .append(")\n\n");
        md.append("Started ")
                .append(report.get("started_at"))
                .append(" against ")
                .append(report.get("url"))
                .append(", ")
                .append(Report.path(report, "machine", "cores"))
                .append(" cores, mix ")
                .append(report.get("mix"))
                .append(". Database: ")
                .append(report.getOrDefault("vacuum", "not vacuumed"))
                .append(".\n\n");
        Map<String, Object> t = (Map<String, Object>) report.get("targets");
        md.append("## Summary\n\n| measure | value | target |\n|---|---|---|\n");
        md.append("| max throughput (terminal orders/s) | ")
                .append(Report.cell(Report.path(report, "max_throughput", "terminal_orders_per_second")))
                .append(" in the ")
                .append(Report.path(report, "max_throughput", "phase"))
                .append(" | ")
                .append(
                        t.get("throughput_target") == null
                                ? t.get("throughput_ratio_goal") + " of the hop-equivalent ceiling (none measured)"
                                : "≥ " + Report.cell(t.get("throughput_target")) + " (" + t.get("throughput_ratio_goal")
                                        + " of the hop-equivalent ceiling)" + mark(t.get("throughput_met")))
                .append(" |\n");
        Map<String, Object> open = (Map<String, Object>) report.get("open_loop");
        md.append("| open loop rate | ")
                .append(Report.cell(open.get("target_rate")))
                .append(" orders/s | half of max |\n");
        md.append("| end-to-end p50 / p95 / p99 / max (ms) | ")
                .append(pcts(open, "e2e_ms"))
                .append(" | p50 ≤ 30")
                .append(mark(t.get("e2e_p50_met")))
                .append(", p99 ≤ 150")
                .append(mark(t.get("e2e_p99_met")))
                .append(" |\n");
        md.append("| HTTP p50 / p95 / p99 / max (ms) | ")
                .append(pcts(open, "http_ms"))
                .append(" | |\n");
        Object application = Report.path(report, "ceiling", "application");
        md.append("| **ratio to the hop-equivalent ceiling** (pgbench tps ÷ 10 = ")
                .append(Report.cell(t.get("hop_equivalent_ceiling")))
                .append(application == null ? "" : ", measured with the application " + application)
                .append(") | ")
                .append(t.get("ratio_to_hop_equivalent_ceiling"))
                .append(" | ≥ 0.25 embedded, ≥ 0.15 " + "distributed |\n");
        Map<String, Object> overload = (Map<String, Object>) report.get("overload");
        if (overload != null) {
            md.append("| overload: ")
                    .append(Report.cell(overload.get("offered_per_second")))
                    .append(" orders/s offered | accepted ")
                    .append(Report.cell(overload.get("accepted_per_second")))
                    .append("/s, terminal ")
                    .append(Report.cell(overload.get("terminal_per_second")))
                    .append("/s, refused ")
                    .append(Report.cell(overload.get("refused_per_second")))
                    .append("/s, e2e p99 ")
                    .append(Report.cell(Report.path(overload, "e2e_ms", "p99")))
                    .append(" ms, HTTP p50 of the 202s ")
                    .append(Report.cell(Report.path(overload, "http_ms_by_answer", "accepted_202", "p50")))
                    .append(" ms and of the 503s ")
                    .append(Report.cell(Report.path(overload, "http_ms_by_answer", "refused_503", "p50")))
                    .append(" ms | accepted within 10 % of terminal, p99 < 1 s")
                    .append(mark(overload.get("bounded")))
                    .append(" |\n");
            Map<String, Object> cost = (Map<String, Object>) overload.get("cost_per_terminal_order");
            if (cost != null) {
                md.append("| cost per terminal order (measured in the overload phase) | ")
                        .append(cost.get("db_commits"))
                        .append(" commits, ")
                        .append(cost.get("db_row_writes"))
                        .append(" row writes, ")
                        .append(cost.get("app_cpu_ms"))
                        .append(" ms app CPU (of it JIT compilers ")
                        .append(cost.get("app_jit_cpu_ms"))
                        .append(" ms, garbage collector ")
                        .append(cost.get("app_gc_cpu_ms"))
                        .append(" ms), ")
                        .append(cost.get("postgres_cpu_ms"))
                        .append(" ms PostgreSQL CPU, ")
                        .append(cost.get("rabbitmq_cpu_ms"))
                        .append(" / ")
                        .append(cost.get("redis_cpu_ms"))
                        .append(" ms RabbitMQ / Redis CPU (on this machine), ")
                        .append(cost.get("context_switches"))
                        .append(" context switches (the machine's), journal ")
                        .append(cost.get("journal_rows"))
                        .append(" rows / ")
                        .append(cost.get("journal_bytes"))
                        .append(" bytes")
                        .append(cost.containsKey("statements") ? ", " + cost.get("statements") + " statements" : "")
                        .append(" | |\n");
            }
        }
        md.append("| PostgreSQL ceiling (pgbench tps) | ")
                .append(Report.cell(t.get("postgres_tps_ceiling")))
                .append(" → ")
                .append(Report.cell(t.get("postgres_ceiling_orders_per_second")))
                .append(" orders/s at ")
                .append(counted.transactionsMax())
                .append(" tx/order | ratio ")
                .append(Report.cell(t.get("ratio_to_postgres_ceiling")))
                .append(" |\n");
        if (t.containsKey("rabbitmq_ceiling_orders_per_second")) {
            md.append("| RabbitMQ ceiling (perf-test msg/s) | ")
                    .append(Report.cell(Report.path(report, "ceiling", "rabbitmq", "consumed_per_second")))
                    .append(" → ")
                    .append(Report.cell(t.get("rabbitmq_ceiling_orders_per_second")))
                    .append(" orders/s at ")
                    .append(counted.deliveries())
                    .append(" deliveries/order | ratio ")
                    .append(Report.cell(t.get("ratio_to_rabbitmq_ceiling")))
                    .append(" |\n");
        }
        if (t.containsKey("redis_ceiling_orders_per_second")) {
            md.append("| Redis ceiling (redis-benchmark msg/s: XADD, then XREADGROUP + XACK) | ")
                    .append(Report.cell(Report.path(report, "ceiling", "redis", "messages_per_second")))
                    .append(" → ")
                    .append(Report.cell(t.get("redis_ceiling_orders_per_second")))
                    .append(" orders/s at ")
                    .append(counted.deliveries())
                    .append(" deliveries/order | ratio ")
                    .append(Report.cell(t.get("ratio_to_redis_ceiling")))
                    .append(" |\n");
        }
        Map<String, Object> inv = (Map<String, Object>) report.get("invariants");
        md.append("| invariants | ")
                .append(Boolean.TRUE.equals(inv.get("passed")) ? "all hold" : "VIOLATED: " + inv.get("violations"))
                .append(" | |\n\n");

        Map<String, Object> warm = (Map<String, Object>) report.get("warmup");
        md.append("## Phases\n\nWarm-up (closed loop, 8 clients): ")
                .append(warm.get("seconds"))
                .append(" s, accepted orders/s by ")
                .append(warm.get("round_seconds"))
                .append("-second round ")
                .append(warm.get("accepted_per_second_by_round"))
                .append(", JIT compilers' share of the application's CPU by round ")
                .append(warm.get("jit_share_by_round"))
                .append(
                        Boolean.TRUE.equals(warm.get("settled"))
                                ? ", compilers done"
                                : ", the compilers still busy at the limit")
                .append(
                        ".\n\n| phase | s | accepted/s | terminal/s | refused/s (503) | e2e p50/p95/p99/max ms "
                                + "| HTTP p50/p95/p99/max ms | app CPU (cores) | of it JIT / GC | app GC pauses (n / ms) "
                                + "| postgres CPU | RabbitMQ / Redis CPU | load gen CPU | machine busy % | of it stolen % "
                                + "| waiting for a core / for the disk: some / all % "
                                + "| context switches per terminal order "
                                + "| wake-up delay p99 / max ms | WAL flush mean / worst second ms "
                                + "| autovacuum vacuums / analyzes, checkpoints started | DB commits/s | errors |\n"
                                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<Map<String, Object>> phases =
                new ArrayList<>((List<Map<String, Object>>) report.get("closed_loop_search"));
        if (overload != null) {
            phases.add(overload);
        }
        phases.add(open);
        for (Map<String, Object> p : phases) {
            md.append("| ")
                    .append(p.get("shape"))
                    .append(" | ")
                    .append(Report.cell(p.get("seconds")))
                    .append(" | ")
                    .append(Report.cell(p.get("accepted_per_second")))
                    .append(" | ")
                    .append(Report.cell(p.get("terminal_per_second")))
                    .append(" | ")
                    .append(Report.cell(p.get("refused_per_second")))
                    .append(" | ")
                    .append(pcts(p, "e2e_ms"))
                    .append(" | ")
                    .append(pcts(p, "http_ms"))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "app_cores")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "app_jit_cores")))
                    .append(" / ")
                    .append(Report.cell(Report.path(p, "cpu", "app_gc_cores")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "app_gc_pauses")))
                    .append(" / ")
                    .append(Report.cell(Report.path(p, "cpu", "app_gc_pause_ms")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "postgres_cores")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "rabbitmq_cores")))
                    .append(" / ")
                    .append(Report.cell(Report.path(p, "cpu", "redis_cores")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "load_generator_cores")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "machine_busy_percent")))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "machine_steal_percent")))
                    .append(" | ")
                    .append(pressureCell(p))
                    .append(" | ")
                    .append(Report.cell(switchesPerOrder(p)))
                    .append(" | ")
                    .append(Report.cell(Report.path(p, "cpu", "wake_up_delay_ms", "p99")))
                    .append(" / ")
                    .append(Report.cell(Report.path(p, "cpu", "wake_up_delay_ms", "max")))
                    .append(" | ")
                    .append(walFlushCell(p))
                    .append(" | ")
                    .append(Upkeep.cell(p))
                    .append(" | ")
                    .append(Report.cell(p.get("db_commits_per_second")))
                    .append(" | ")
                    .append(p.get("errors"))
                    .append(" |\n");
        }
        md.append("\nOpen loop outcomes: ")
                .append(open.get("orders_by_status"))
                .append("; requests ")
                .append(open.get("requests_by_kind"))
                .append("; cancel ")
                .append(open.get("cancel"))
                .append(".\n\n");
        md.append(settleMarkdown((Map<String, Object>) report.get("open_loop_settle")));
        md.append(slowSecondsMarkdown(open));
        md.append("## Time per hop (message journal)\n\n"
                        + "Per consumer and message: *in queue* from the sender's outbox write to the handler's start (the rest of "
                        + "the sender's transaction and its commit, the relay, the broker, the wait for a consumer), *in handler* "
                        + "from there to just before the handler's commit.\n\nOpen loop:\n\n")
                .append(hopsMarkdown(open));
        if (overload != null) {
            md.append("\nOverload:\n\n").append(hopsMarkdown(overload));
        }
        md.append("\n");
        md.append("## Charts\n\n![throughput](throughput.png)\n\n![latency](latency.png)\n\n![search](search.png)\n\n"
                + "![search latency](search-latency.png)\n\n");
        if (overload != null) {
            md.append("![overload](overload.png)\n\n![overload latency](overload-latency.png)\n\n");
        }
        Map<String, Object> statementStats =
                overload == null ? null : (Map<String, Object>) overload.get("statements_per_finished_order");
        if (statementStats != null) {
            md.append(
                    "## Statements per finished order (pg_stat_statements, overload phase)\n\n| statement | per order |\n"
                            + "|---|---|\n");
            for (Map<String, Object> row : (List<Map<String, Object>>) statementStats.get("top")) {
                md.append("| `")
                        .append(String.valueOf(row.get("statement")).replace("|", "\\|"))
                        .append("` | ")
                        .append(row.get("per_finished_order"))
                        .append(" |\n");
            }
            md.append("| all statements | ")
                    .append(statementStats.get("per_finished_order"))
                    .append(" |\n\n");
        }
        md.append(byProcessMarkdown(overload, open));
        md.append("## Cost of one order (happy path, counted from the code)\n\n")
                .append(report.get("cost_per_order"))
                .append("\n\n## Ceiling\n\n```\n")
                .append(report.get("ceiling"))
                .append("\n```\n\n");
        md.append("## Invariants\n\n")
                .append(
                        Boolean.TRUE.equals(inv.get("passed"))
                                ? "All invariants hold."
                                : "Violations:\n\n"
                                        + String.join(
                                                "\n",
                                                ((List<String>) inv.get("violations"))
                                                        .stream()
                                                                .map(v -> "- " + v)
                                                                .toList()))
                .append("\n\nStats: ")
                .append(inv.get("stats"))
                .append("\n");
        return md.toString();
    }

    /** Milliseconds of CPU per finished order of each process, from its cores over a phase; empty without orders. */
    static Map<String, Double> msPerOrderByProcess(Map<String, Double> coresByProcess, double terminalPerSecond) {
        Map<String, Double> ms = new LinkedHashMap<>();
        if (terminalPerSecond > 0) {
            coresByProcess.forEach((name, cores) -> ms.put(name, round(cores * 1000 / terminalPerSecond)));
        }
        return ms;
    }

    /** The rounds at the open loop's rate before it was measured ({@link #settle}); nothing where there were none. */
    static String settleMarkdown(@Nullable Map<String, Object> settle) {
        if (settle == null || !(settle.get("rounds") instanceof Number rounds) || rounds.intValue() == 0) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "Before the open loop was measured, %s s at its rate until the JIT compilers were done after the overload"
                        + " phase (%s): their share of the application's CPU by 10-second round %s, e2e p50 %s and p99"
                        + " %s ms by round (not counted in goal 3).\n\n",
                settle.get("seconds"),
                Boolean.TRUE.equals(settle.get("settled")) ? "done" : "still busy at the limit",
                settle.get("jit_share_by_round"),
                settle.get("e2e_p50_ms_by_round"),
                settle.get("e2e_p99_ms_by_round"));
    }

    /** The open loop's slow seconds against the others, with the machine's readings of both ({@link MachineSeconds}). */
    @SuppressWarnings("unchecked")
    static String slowSecondsMarkdown(Map<String, Object> open) {
        if (!(open.get("slow_seconds") instanceof Map<?, ?> found) || found.isEmpty()) {
            return "";
        }
        Map<String, Object> slow = (Map<String, Object>) found.get("slow");
        Map<String, Object> others = (Map<String, Object>) found.get("others");
        String line = String.format(
                Locale.ROOT,
                "Seconds of the open loop with an e2e p99 over %.0f ms: %s of %d. In them, against the others: the"
                        + " machine %s / %s %% busy, %s / %s %% of it stolen by the hypervisor, some task waiting"
                        + " for a core %s / %s %% of the time",
                ((Number) found.get("over_ms")).doubleValue(),
                slow.get("seconds"),
                ((Number) slow.get("seconds")).intValue() + ((Number) others.get("seconds")).intValue(),
                slow.get("machine_busy_percent"),
                others.get("machine_busy_percent"),
                slow.get("machine_stolen_percent"),
                others.get("machine_stolen_percent"),
                slow.get("waiting_for_a_core_percent"),
                others.get("waiting_for_a_core_percent"));
        if (slow.containsKey("app_cores") && others.containsKey("app_cores")) {
            line += String.format(
                    Locale.ROOT,
                    "; the application %s / %s cores, of it its JIT compilers %s / %s, its collectors' pauses %s / %s"
                            + " ms a second; PostgreSQL %s / %s cores",
                    slow.get("app_cores"),
                    others.get("app_cores"),
                    slow.get("app_jit_cores"),
                    others.get("app_jit_cores"),
                    slow.get("app_gc_pause_ms"),
                    others.get("app_gc_pause_ms"),
                    slow.get("postgres_cores"),
                    others.get("postgres_cores"));
        }
        return line + " (by second: `open_loop.by_second` in results.json).\n\n";
    }

    /**
     * The application's CPU per finished order by process, in the overload phase (full batches, refusals too) and at
     * half the maximum (small batches); nothing for a single process.
     */
    @SuppressWarnings("unchecked")
    static String byProcessMarkdown(@Nullable Map<String, Object> overload, Map<String, Object> open) {
        Map<String, Object> overloadMs = overload == null
                ? Map.of()
                : (Map<String, Object>) Objects.requireNonNullElse(
                        Report.path(overload, "cost_per_terminal_order", "app_cpu_ms_by_process"), Map.of());
        Map<String, Object> openMs =
                (Map<String, Object>) Objects.requireNonNullElse(open.get("app_cpu_ms_by_process"), Map.of());
        Set<String> processes = new LinkedHashSet<>(overloadMs.keySet());
        processes.addAll(openMs.keySet());
        if (processes.size() <= 1) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Application CPU by process (ms per finished order)\n\n"
                + "| process | overload phase | half the maximum |\n|---|---|---|\n");
        for (String name : processes) {
            md.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(Report.cell(overloadMs.get(name)))
                    .append(" | ")
                    .append(Report.cell(openMs.get(name)))
                    .append(" |\n");
        }
        return md.append("\n").toString();
    }

    private static String pcts(Map<String, Object> p, String key) {
        return Report.cell(Report.path(p, key, "p50")) + " / " + Report.cell(Report.path(p, key, "p95")) + " / "
                + Report.cell(Report.path(p, key, "p99")) + " / " + Report.cell(Report.path(p, key, "max"));
    }

    private static String mark(Object met) {
        return Boolean.TRUE.equals(met) ? " ✅" : " ❌";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
