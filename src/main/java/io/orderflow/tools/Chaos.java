package io.orderflow.tools;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code java -jar orderflow.jar chaos ...}: Jepsen's shape on orderflow. A generator (the benchmark's open-loop
 * load and mix), a nemesis per iteration (a fault injected partway, then healed), and a checker (the
 * {@link InvariantChecker} after the system has drained, plus the client's list of accepted orders). The
 * harness starts everything it runs (its own PostgreSQL cluster, the application) and stops it by PID, also
 * when it fails or is interrupted (shutdown hook).
 */
final class Chaos {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /**
     * How far from the fault a real timestamp of the iteration can lie (its orders are placed at most the injection
     * time before it and finish at most the after-heal time and the drain after the heal); a clock-skew fault's
     * timestamps lie ten minutes off, beyond it.
     */
    private static final Duration SKEW_MARGIN = Duration.ofMinutes(5);

    private final Args args;
    private final ChaosPlan plan;
    private final Path out;
    private final double rate;
    private final Duration afterHeal;
    private final Duration drainTimeout;
    private final Duration maxTime;
    private final List<Map<String, Object>> iterations = new ArrayList<>();
    private final Map<String, Object> run = new LinkedHashMap<>();

    private ChaosSystem system;
    private InvariantChecker checker;
    private JdbcClient jdbc;
    private Map<String, Long> baseline;
    private LoadGenerator load;

    private Chaos(Args args, ChaosPlan plan) {
        this.args = args;
        this.plan = plan;
        this.out = Path.of(args.get("out", "target/chaos/" + LocalDateTime.now().format(STAMP)));
        this.rate = args.decimal("rate", 10);
        this.afterHeal = args.duration("after-heal", Duration.ofSeconds(15));
        this.drainTimeout = args.duration("drain-timeout", Duration.ofSeconds(120));
        if (rate <= 0 || rate > 500) {
            throw new IllegalArgumentException("--rate must be in (0, 500] orders/s");
        }
        Duration startTimeout = args.duration("start-timeout", Duration.ofSeconds(180));
        Duration perIteration = plan.steps().stream()
                .map(s -> s.injectAt().plus(s.duration()))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO)
                .plus(startTimeout.multipliedBy(4))
                .plus(afterHeal)
                .plus(drainTimeout)
                .plusSeconds(60);
        this.maxTime =
                args.duration("max-time", perIteration.multipliedBy(plan.steps().size()));
    }

    static int run(Args args) throws IOException {
        if (args.has("help")) {
            System.out.println(usage());
            return 0;
        }
        String mode = args.positional().isEmpty()
                ? args.get("mode", "embedded")
                : args.positional().get(0);
        if (!mode.equals("embedded") && !mode.equals("distributed")) {
            throw new IllegalArgumentException("mode '" + mode + "': embedded or distributed");
        }
        ChaosPlan plan = ChaosPlan.of(ChaosPlan.Settings.from(args));
        if (args.flag("plan-only")) {
            System.out.println(describe(plan));
            return 0;
        }
        return new Chaos(args, plan).run();
    }

    static String describe(ChaosPlan plan) {
        StringBuilder text = new StringBuilder("Plan for seed " + plan.seed() + ":\n");
        for (ChaosPlan.Step s : plan.steps()) {
            text.append(String.format(
                    Locale.ROOT,
                    "  %2d  %-15s at %5.1f s for %5.1f s  target %s%n",
                    s.iteration(),
                    s.fault(),
                    s.injectAt().toMillis() / 1000.0,
                    s.duration().toMillis() / 1000.0,
                    s.target()));
        }
        return text.toString();
    }

    private int run() throws IOException {
        Files.createDirectories(out.resolve("logs"));
        // before anything starts: a plan with clock skew and no libfaketime fails here, saying how to install it
        Path faketime = ChaosSetup.needsFakeClock(plan) ? FakeClock.library(args.get("faketime-lib", "")) : null;
        long deadline = System.nanoTime() + maxTime.toNanos();
        run.put("command", "chaos " + String.join(" ", args.raw()));
        run.put("mode", plan.mode());
        run.put("seed", plan.seed());
        run.put("started_at", Instant.now().toString());
        run.put("rate_per_second", rate);
        run.put("mix", LoadGenerator.Mix.parse(args.get("mix", "")).toString());
        run.put(
                "machine",
                Map.of(
                        "cores",
                        Runtime.getRuntime().availableProcessors(),
                        "java",
                        System.getProperty("java.version")));
        run.put("plan", plan.steps());
        System.out.println("orderflow chaos (" + plan.mode() + "), seed " + plan.seed() + ", results in " + out);
        System.out.print(describe(plan));

        int httpPort = args.integer("http-port", 0) == 0 ? freePort() : args.integer("http-port", 0);
        int pgPort = args.integer("pg-port", 0) == 0 ? freePort() : args.integer("pg-port", 0);
        HarnessPostgres postgres = new HarnessPostgres(
                Path.of(args.get("pg-bin", "/usr/lib/postgresql/15/bin")), pgPort, out.toAbsolutePath());
        Duration resendAfter = args.duration("resend-after", Duration.ofSeconds(10));
        // the application reaches its database through the harness's TCP proxy in every iteration (the partition fault)
        TcpProxy dbProxy = ChaosSetup.dbProxy(args, plan, pgPort);
        // --break module:Type,...: a broken guarantee on purpose, to show the checker catches it (test-only)
        String broken = args.get("break", "");
        run.put("broken_on_purpose", broken);
        // --break-inbox module:Type,... (or module:*): a second delivery applied again (test-only; with duplicate)
        String inboxBroken = args.get("break-inbox", "");
        run.put("inbox_broken_on_purpose", inboxBroken);
        String operatorSecret = UUID.randomUUID().toString();
        List<String> appArgs = List.of(
                "--orderflow.chaos.lose-messages=" + broken,
                "--orderflow.chaos.skip-inbox=" + inboxBroken,
                "--server.port=" + httpPort,
                "--spring.main.banner-mode=off",
                "--orderflow.database.mode=external",
                "--spring.datasource.url=" + ChaosSetup.databaseUrl(postgres, dbProxy),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--orderflow.security.operator.client-secret=" + operatorSecret,
                // the runtime faults (payment outage, duplicate and reordered delivery, poison) at /api/chaos/faults
                "--orderflow.chaos.controls-enabled=true",
                "--orderflow.security.data-dir=" + out.toAbsolutePath(),
                // one load generator at one address: the limiter would only measure itself
                "--orderflow.rate-limit.enabled=false",
                "--orderflow.saga.resend-after=" + resendAfter.toMillis() + "ms",
                "--logging.level.io.orderflow=WARN");
        AppProcess app = new AppProcess(
                Path.of(args.get("jar", "target/orderflow.jar")).toAbsolutePath(),
                Arrays.stream(args.get("app-jvm-options", "-Xmx512m").split("\\s+"))
                        .filter(s -> !s.isBlank())
                        .toList(),
                appArgs,
                httpPort,
                out.resolve("logs"));
        system = new ChaosSystem(
                app,
                postgres,
                args.duration("start-timeout", Duration.ofSeconds(180)),
                out.resolve("pids"),
                new ChaosControls(app.url(), operatorSecret));
        system.dbProxy = dbProxy;
        if (faketime != null) {
            // started under libfaketime from the first start, at offset 0; the clock-skew nemesis moves it
            system.clock = new FakeClock(faketime, out.resolve("faketime.rc"));
            app.environment(system.clock.environment());
        }
        run.put("db_proxy", dbProxy != null);
        run.put("faketime", system.clock != null);
        if (plan.mode().equals("distributed")) {
            system = distributed(appArgs, postgres, operatorSecret, faketime);
            system.dbProxy = dbProxy;
        }
        Thread hook = new Thread(system::stop, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean passed = false;
        try {
            system.startPostgres();
            postgres.createDatabase();
            System.out.println("PostgreSQL (harness's own cluster) PID " + postgres.pid() + " on :" + pgPort + ", "
                    + postgres.dataDir());
            if (system.deployment == null) {
                system.startApp(List.of());
                System.out.println("orderflow PID " + app.pid() + " on :" + httpPort);
            } else {
                startDistributed();
            }
            Db db = new Db(postgres.jdbcUrl(), "postgres", "");
            checker = new InvariantChecker(db.dataSource());
            jdbc = JdbcClient.create(db.dataSource());
            List<String> skus = Benchmark.setUpSkus(jdbc, args.integer("skus", 50));
            baseline = checker.stockTotals();
            Report.writeJson(out.resolve("stock-baseline.json"), baseline);
            load = new LoadGenerator(system.app.url(), skus, LoadGenerator.Mix.parse(args.get("mix", "")));
            passed = true;
            for (ChaosPlan.Step step : plan.steps()) {
                if (System.nanoTime() > deadline) {
                    run.put("stopped", "the run's time bound (--max-time " + maxTime.toSeconds() + " s) was reached");
                    passed = false;
                    break;
                }
                Map<String, Object> result = iteration(step);
                iterations.add(result);
                writeReport();
                if (!Boolean.TRUE.equals(result.get("passed"))) {
                    passed = false;
                }
                if (result.containsKey("harness_error")) {
                    run.put("stopped", "harness error in iteration " + step.iteration());
                    break;
                }
            }
        } finally {
            run.put("ended_at", Instant.now().toString());
            run.put("passed", passed && iterations.size() == plan.steps().size());
            system.stop();
            Runtime.getRuntime().removeShutdownHook(hook);
            writeReport();
        }
        System.out.println("Report: " + out.resolve("report.md"));
        return Boolean.TRUE.equals(run.get("passed")) ? 0 : 1;
    }

    private Map<String, Object> iteration(ChaosPlan.Step step) throws IOException {
        Nemesis nemesis = Nemesis.of(step);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("iteration", step.iteration());
        r.put("fault", step.fault());
        r.put("target", step.target());
        r.put("what", nemesis.describe());
        r.put("inject_at_s", seconds(step.injectAt()));
        r.put("duration_s", seconds(step.duration()));
        System.out.printf(
                Locale.ROOT,
                "Iteration %d: %s (target %s) at %.1f s for %.1f s, open loop at %.0f orders/s%n",
                step.iteration(),
                step.fault(),
                step.target(),
                step.injectAt().toMillis() / 1000.0,
                step.duration().toMillis() / 1000.0,
                rate);

        String prefix = String.format(Locale.ROOT, "chaos-%02d-", step.iteration());
        LoadGenerator.Phase phase = new LoadGenerator.Phase(
                "it" + step.iteration(), prefix, String.format(Locale.ROOT, "open loop, %.0f orders/s", rate), true);
        AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
        Duration maxLoad = step.injectAt()
                .plus(step.duration())
                .plus(system.startTimeout.multipliedBy(4))
                .plus(afterHeal);
        Thread generator = new Thread(
                () -> load.openLoop(
                        phase,
                        rate,
                        maxLoad,
                        5000,
                        new LoadGenerator.Progress(this::openOrders),
                        new Random(step.loadSeed()),
                        () -> System.nanoTime() >= stopAt.get()),
                "chaos-load");
        generator.setDaemon(true);
        generator.start();

        Instant injectedAt;
        Instant healAt;
        Instant healedAt;
        try {
            sleepUntil(phase.startNanos + step.injectAt().toNanos());
            injectedAt = Instant.now();
            nemesis.inject(system);
            System.out.println("  injected " + step.fault() + " (took " + millis(injectedAt) + " ms)");
            sleepUntil(System.nanoTime() + step.duration().toNanos());
            healAt = Instant.now();
            nemesis.heal(system);
            healedAt = Instant.now();
            System.out.println("  healed (took " + millis(healAt) + " ms)");
        } catch (IOException | RuntimeException e) {
            stopAt.set(System.nanoTime());
            r.put("harness_error", e.toString());
            r.put("passed", false);
            System.out.println("  harness error: " + e);
            return r;
        } finally {
            stopAt.compareAndSet(Long.MAX_VALUE, System.nanoTime() + afterHeal.toNanos());
            join(generator, afterHeal.plusSeconds(60));
        }
        r.put("heal_took_s", seconds(Duration.between(healAt, healedAt)));
        r.put("load_s", round(phase.seconds()));
        r.put("attempted", phase.attempted.get());
        r.put("accepted", phase.accepted.get());
        r.put("refused_503", phase.refused.get());
        r.put("client_errors", phase.errorsByKind());

        System.out.println("  load stopped after " + round(phase.seconds()) + " s: accepted " + phase.accepted.get()
                + ", client errors " + phase.errorsByKind() + "; draining (at most " + drainTimeout.toSeconds()
                + " s) ...");
        boolean drained = system.deployment == null
                ? checker.awaitDrained(drainTimeout, counts -> System.out.println("  in flight: " + counts))
                : system.deployment.awaitDrained(
                        checker, drainTimeout, counts -> System.out.println("  in flight: " + counts));
        Map<String, Set<UUID>> poison = system.poison();
        Set<UUID> expectedDeadLetters = new HashSet<>();
        poison.values().forEach(expectedDeadLetters::addAll);
        InvariantChecker.Result result =
                checker.checkSettled(baseline, expectedDeadLetters, Duration.ofSeconds(drained ? 5 : 0));
        List<InvariantChecker.Violation> violations = new ArrayList<>(result.violations());
        InvariantChecker.Violation lost = checker.lostOrders(phase.acceptedIds);
        if (lost != null) {
            violations.add(lost);
        }
        if (system.deployment != null) {
            InvariantChecker.Violation queued = queuesNotDrained();
            if (queued != null) {
                violations.add(queued);
            }
        }
        r.put("drained", drained);
        r.putAll(outcomes(prefix, injectedAt, healAt, healedAt, nemesis.orderClockSkew()));
        r.put("worst_http_in_fault_ms", worstHttp(phase, injectedAt, healedAt));
        r.put(
                "violations",
                violations.stream().map(InvariantChecker.Violation::toString).toList());
        r.put("passed", drained && violations.isEmpty());
        r.put("dead_letters_expected", expectedDeadLetters.size());
        r.put("observed", observe(nemesis));
        if (violations.isEmpty()) {
            discardPoison(poison);
        }
        System.out.println("  " + (drained ? "drained" : "NOT drained") + "; " + r.get("orders_by_status")
                + ", compensations " + r.get("compensations") + ", worst e2e in fault "
                + r.get("worst_e2e_in_fault_ms") + " ms, recovered "
                + r.get("recovered_after_heal_s") + " s after the heal; violations: " + violations.size());
        violations.forEach(v -> System.out.println("    - " + v));
        System.out.println("  observed: " + r.get("observed"));
        return r;
    }

    /**
     * Distributed mode: the module processes on the harness's PostgreSQL and its own RabbitMQ node, each with the
     * embedded mode's settings (the same chaos controls, operator secret, re-send interval, limiter off, broken
     * guarantee if asked) and the distributed profile's; the order process is the load's entry.
     */
    private ChaosSystem distributed(List<String> common, HarnessPostgres postgres, String operatorSecret, Path faketime)
            throws IOException {
        String stamp = out.getFileName().toString().replaceAll("[^A-Za-z0-9]", "");
        // the harness's own RabbitMQ node, or its own Redis server with --transport redis
        HarnessTransport transport =
                ChaosTransport.harness(args, ChaosTransport.of(args, plan.mode()), out.toAbsolutePath());
        DistributedTopology topology = DistributedTopology.parse(args.get("topology", "direct"));
        // the embedded settings but its port: every module process gets its own (and its own proxies to the database
        // and the broker, for partition-module: the embedded mode's proxy is not used)
        List<String> settings = new ArrayList<>(common.stream()
                .filter(a -> !a.startsWith("--server.port=") && !a.startsWith("--spring.datasource.url="))
                .toList());
        settings.add("--spring.datasource.url=" + postgres.jdbcUrl());
        DistributedDeployment deployment = new DistributedDeployment(
                Path.of(args.get("jar", "target/orderflow.jar")).toAbsolutePath(),
                Arrays.stream(args.get("app-jvm-options", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                                .split("\\s+"))
                        .filter(s -> !s.isBlank())
                        .toList(),
                settings,
                transport,
                "orderflow-chaos-" + stamp,
                operatorSecret,
                out.resolve("logs"),
                args.duration("start-timeout", Duration.ofSeconds(180)),
                topology,
                ChaosSetup.moduleLinks(args, plan, topology, postgres.port(), transport.port()));
        run.put("topology", deployment.topology().label());
        // the load's entry: the gateway (--topology gateway) or the order process
        ChaosSystem distributed = new ChaosSystem(
                deployment.entry(),
                postgres,
                args.duration("start-timeout", Duration.ofSeconds(180)),
                out.resolve("pids"),
                deployment.controlsOf("order"),
                deployment);
        run.put("module_links", deployment.links() != null);
        if (faketime != null) {
            // every module process under libfaketime from its first start, at offset 0; clock-skew-module moves one
            distributed.moduleClocks = new ModuleClocks(faketime, deployment, out.toAbsolutePath());
        }
        return distributed;
    }

    private void startDistributed() throws IOException {
        DistributedDeployment deployment = system.deployment;
        long started = System.nanoTime();
        try {
            deployment.start();
        } finally {
            system.recordPids();
        }
        if (deployment.rabbit != null) {
            System.out.println("RabbitMQ (harness's own node " + deployment.rabbit.node() + ") PID "
                    + deployment.rabbit.pid() + " on :" + deployment.rabbit.port() + ", namespace "
                    + deployment.namespace);
        } else {
            System.out.println("Redis (" + deployment.transport.describe() + ") PID " + deployment.transport.pid()
                    + ", key prefix " + deployment.namespace);
        }
        deployment
                .members()
                .values()
                .forEach(m -> System.out.println("orderflow " + m.name() + " PID "
                        + m.process().pid() + " on " + m.process().url()));
        System.out.printf(Locale.ROOT, "every process healthy after %.0f s%n", (System.nanoTime() - started) / 1e9);
        run.put("processes", deployment.members().keySet());
        run.put("transport", deployment.transport.name());
        run.put(deployment.transport.name(), deployment.transport.describe() + ", namespace " + deployment.namespace);
    }

    /** Distributed mode: messages still on the run's RabbitMQ queues or Redis streams after the drain (none may be). */
    private InvariantChecker.Violation queuesNotDrained() {
        try {
            Map<String, Long> depths = new TreeMap<>(system.deployment.queueDepths());
            depths.values().removeIf(v -> v == 0);
            if (depths.isEmpty()) {
                return null;
            }
            return new InvariantChecker.Violation(
                    system.deployment.rabbit != null ? "RabbitMQ queue not drained" : "Redis stream not drained",
                    depths.values().stream().mapToLong(Long::longValue).sum(),
                    depths.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .toList());
        } catch (IOException e) {
            return new InvariantChecker.Violation(
                    system.deployment.transport.name() + " in flight unreadable: " + e.getMessage(), 1, List.of());
        }
    }

    /** What the nemesis saw its fault do (read from the application after the drain); an error is reported, not fatal. */
    private Map<String, Object> observe(Nemesis nemesis) {
        try {
            return nemesis.observe(system);
        } catch (IOException | RuntimeException e) {
            return Map.of("error", e.toString());
        }
    }

    /**
     * Once the checker has accounted for them, the injected poison messages still parked are discarded through the
     * operator's dead-letter API, as an operator would (they stay in the table as discarded, still accounted for).
     */
    private void discardPoison(Map<String, Set<UUID>> poison) {
        poison.forEach((module, ids) -> {
            try {
                int discarded =
                        system.controlsOf(module).discard(module, ids, "chaos harness: injected poison, accounted for");
                if (discarded > 0) {
                    System.out.println("  discarded " + discarded + " injected poison message(s) parked in " + module);
                }
            } catch (IOException | RuntimeException e) {
                System.out.println("  could not discard the poison parked in " + module + ": " + e);
            }
        });
    }

    /**
     * What the iteration's orders became. Worst end-to-end latency during the fault: placement to terminal event
     * of the orders in flight while it lasted (placed before the heal ended, finished after it began), on the clock
     * of the order module, corrected for a clock-skew fault's offset (see {@link Nemesis#orderClockSkew()}). Time to
     * recover: from the start of the heal to the first order completed after it.
     */
    private Map<String, Object> outcomes(
            String prefix, Instant injectedAt, Instant healAt, Instant healedAt, Duration orderClockSkew) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> statuses = new TreeMap<>();
        jdbc.sql("select status, count(*) from orders.purchase_order where id like ? group by status")
                .param(prefix + "%")
                .query((rs, n) -> statuses.put(rs.getString(1), rs.getLong(2)))
                .list();
        m.put("orders", statuses.values().stream().mapToLong(Long::longValue).sum());
        m.put("orders_by_status", statuses);
        m.put(
                "compensations",
                jdbc.sql("select count(*) from orders.order_event where order_id like ? "
                                + "and type = 'compensation_requested'")
                        .param(prefix + "%")
                        .query(Long.class)
                        .single());
        m.put(
                "step_resends",
                jdbc.sql("select count(*) from orders.order_event where order_id like ? and type = 'step_retried'")
                        .param(prefix + "%")
                        .query(Long.class)
                        .single());
        // A timestamp the skewed clock wrote lies |skew| (10 min) away from the iteration's real time (a few minutes
        // at most): outside [lo, hi] it is moved back by the skew. Without a skew the correction is zero.
        Double worst = jdbc.sql("select max(extract(epoch from (te - oc)) * 1000)::float8 from ("
                        + "select case when o.created_at < :lo or o.created_at > :hi "
                        + "then o.created_at - make_interval(secs => :skew) else o.created_at end oc, "
                        + "case when t.occurred_at < :lo or t.occurred_at > :hi "
                        + "then t.occurred_at - make_interval(secs => :skew) else t.occurred_at end te "
                        + "from orders.purchase_order o join orders.order_event t on t.order_id = o.id "
                        + "and t.type in ('order_completed', 'order_failed', 'order_cancelled') "
                        + "where o.id like :prefix) x where oc <= :healed and te >= :injected")
                .param("lo", injectedAt.minus(SKEW_MARGIN).atOffset(ZoneOffset.UTC))
                .param("hi", healedAt.plus(SKEW_MARGIN).atOffset(ZoneOffset.UTC))
                .param("skew", (double) orderClockSkew.toSeconds())
                .param("prefix", prefix + "%")
                .param("healed", healedAt.atOffset(ZoneOffset.UTC))
                .param("injected", injectedAt.atOffset(ZoneOffset.UTC))
                .query(Double.class)
                .optional()
                .orElse(null);
        m.put("worst_e2e_in_fault_ms", worst == null ? null : Math.round(worst));
        Double recovered = jdbc.sql("select extract(epoch from (min(occurred_at) - ?))::float8 "
                        + "from orders.order_event where type = 'order_completed' and occurred_at >= ?")
                .params(healAt.atOffset(ZoneOffset.UTC), healAt.atOffset(ZoneOffset.UTC))
                .query(Double.class)
                .optional()
                .orElse(null);
        m.put("recovered_after_heal_s", recovered == null ? null : round(recovered));
        return m;
    }

    /**
     * The slowest placement answer (from its intended send time, so a stall counts in full) among the requests
     * meant to go out from the injection to the end of the heal; {@code null} if none was answered.
     */
    static Long worstHttp(LoadGenerator.Phase phase, Instant injectedAt, Instant healedAt) {
        int from =
                (int) Math.max(0, Duration.between(phase.startedAt, injectedAt).toSeconds());
        int to =
                (int) Math.max(from, Duration.between(phase.startedAt, healedAt).toSeconds());
        long worst = -1;
        synchronized (phase.httpPerSecond) {
            for (int s = from; s <= to && s < phase.httpPerSecond.size(); s++) {
                if (phase.httpPerSecond.get(s).getTotalCount() > 0) {
                    worst = Math.max(worst, phase.httpPerSecond.get(s).getMaxValue());
                }
            }
        }
        return worst < 0 ? null : Math.round(worst / 1000.0);
    }

    private void writeReport() throws IOException {
        Map<String, Object> json = new LinkedHashMap<>(run);
        json.put("iterations", iterations);
        Report.writeJson(out.resolve("results.json"), json);
        Files.writeString(out.resolve("report.md"), ChaosReport.markdown(run, iterations));
    }

    private long openOrders() {
        return jdbc.sql("select count(*) from orders.purchase_order where status not in "
                        + InvariantChecker.TERMINAL_SQL)
                .query(Long.class)
                .single();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleepUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static void join(Thread t, Duration max) {
        try {
            t.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millis(Instant since) {
        return Duration.between(since, Instant.now()).toMillis();
    }

    private static double seconds(Duration d) {
        return round(d.toMillis() / 1000.0);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String usage() {
        return """
                usage:
                  java -jar orderflow.jar chaos [embedded|distributed] [--iterations N (default: one per fault)] \\
                      [--faults kill,pause,postgres-crash,payment-outage,duplicate,reorder,poison (the default); \\
                       also partition, clock-skew (needs libfaketime); all; a combination: kill+duplicate] \\
                      [--faults kill-module,kill-instance,pause-module,rabbitmq-restart,postgres-crash,payment-outage,
                               duplicate,poison (distributed: the default); also reorder, partition-module,
                                clock-skew-module (needs libfaketime); all; a combination: kill-module+duplicate; with
                                --transport redis, redis-restart in rabbitmq-restart's place] \\
                      [--topology direct|gateway (distributed: gateway in front, order and payment twice)] \\
                      [--transport rabbitmq|redis (distributed: the harness's own RabbitMQ node, the default, or its
                                own redis-server and the Redis Streams transport)] \\
                      [--redis-server redis-server] [--redis-port 0] [--redis-appendfsync always|everysec] \\
                      [--seed S (default: the clock; printed)] \\
                      [--rate 10 (orders/s, open loop)] [--fault-duration 12s] [--inject-min 8s] [--inject-max 16s] \\
                      [--after-heal 15s (load after the heal)] [--drain-timeout 120s] [--resend-after 10s] \\
                      [--mix declined=0.05,out_of_stock=0.03,shipping_failure=0.03,cancel=0.05] [--skus 50] \\
                      [--jar target/orderflow.jar] [--out target/chaos/<stamp>] [--http-port 0] [--pg-port 0] \\
                      [--pg-bin /usr/lib/postgresql/15/bin] [--start-timeout 180s] \\
                      [--app-jvm-options -Xmx512m (distributed: -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)] \\
                      [--max-time (bound of the whole run)] [--plan-only] \\
                      [--rabbitmq-bin /usr/lib/rabbitmq/bin] [--rabbitmq-port 0 (distributed: the harness's node)] \\
                      [--db-proxy on|off (the app reaches PostgreSQL through the harness's TCP proxy; distributed:
                                   each module process PostgreSQL and RabbitMQ through proxies of its own)] \\
                      [--faketime-lib /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1] \\
                      [--break module:Type,... (lose those messages on purpose: the run must then fail)] \\
                      [--break-inbox module:Type|module:*,... (apply redeliveries again; with duplicate: must fail)]
                """;
    }
}
