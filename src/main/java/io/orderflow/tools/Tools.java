package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar orderflow.jar benchmark ...}, {@code ... check ...} and {@code ... chaos ...}: dispatched by
 * {@code OrderflowApplication.main} before Spring starts.
 */
public final class Tools {

    private static final Set<String> COMMANDS = Set.of("benchmark", "check", "chaos");

    private Tools() {}

    public static boolean handles(String[] args) {
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    /** Runs the tool named by {@code args[0]} and exits the JVM with its status. */
    public static void run(String[] args) {
        useCommonPoolForAsyncStages();
        int code;
        try {
            code = switch (args[0]) {
                case "benchmark" -> Benchmark.run(new Args(args, 1));
                case "check" -> check(new Args(args, 1));
                case "chaos" -> Chaos.run(new Args(args, 1));
                default -> 2;
            };
        } catch (IllegalArgumentException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.err.println(args[0].equals("chaos") ? Chaos.usage() : usage());
            code = 2;
        } catch (IOException | RuntimeException e) {
            System.err.println(args[0] + " failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /**
     * The JDK's {@code HttpClient} completes every {@code sendAsync} on {@code CompletableFuture}'s default executor,
     * and where the common pool's parallelism is below two (a machine of two cores or fewer) that executor starts a
     * new thread for every task: one thread per response, each counted only once that thread had started and been
     * scheduled. On a saturated machine that took seconds: in the embedded overload phase the refused clients' HTTP
     * median was 2.2 s with a thread per response and 0.17 s with the pool (docs/benchmarks.md, twentieth session).
     * Two workers at least, unless the operator chose; set before anything has touched the common pool, which reads
     * the property once.
     */
    static void useCommonPoolForAsyncStages() {
        String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(property) == null) {
            System.setProperty(
                    property, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /** Exit code 0 when every invariant holds, 1 when one does not (or the data did not drain), 2 on bad usage. */
    static int check(Args args) {
        if (args.has("help")) {
            System.out.println(usage());
            return 0;
        }
        Db db = Db.from(args);
        InvariantChecker checker = new InvariantChecker(db.dataSource());
        Duration deadline = args.duration("drain-timeout", Duration.ofSeconds(60));
        System.out.println("Waiting (at most " + deadline.toSeconds() + " s) for outboxes, queues and compensations "
                + "to drain ...");
        boolean drained = checker.awaitDrained(deadline, counts -> System.out.println("  in flight: " + counts));
        Map<String, Long> baseline = args.has("baseline") ? Report.readBaseline(args.get("baseline", null)) : null;
        InvariantChecker.Result result = checker.checkSettled(baseline, Duration.ofSeconds(drained ? 5 : 0));
        System.out.println(
                drained ? "Drained." : "NOT drained within " + deadline.toSeconds() + " s: " + checker.inFlight());
        System.out.println("Stats: " + result.stats());
        if (result.passed()) {
            System.out.println("All invariants hold"
                    + (baseline == null
                            ? " (no --baseline: stock conservation " + "checked against the reservations only)"
                            : "")
                    + ".");
        } else {
            System.out.println(result.violations().size() + " invariant(s) violated:");
            result.messages().forEach(m -> System.out.println("  - " + m));
        }
        return result.passed() && drained ? 0 : 1;
    }

    static String usage() {
        return """
                usage:
                  java -jar orderflow.jar check --db-url jdbc:postgresql://127.0.0.1:5432/orderflow \\
                      [--db-user postgres] [--db-password ''] [--baseline stock-baseline.json] [--drain-timeout 60s]
                  java -jar orderflow.jar benchmark --url http://127.0.0.1:8080 --db-url jdbc:postgresql://... \\
                      [--mode embedded|distributed] [--out target/bench/<timestamp>] [--app-pid 123,456] \\
                      [--skus 1000] [--mix declined=0.05,out_of_stock=0.03,shipping_failure=0.03,cancel=0.05] \\
                      [--customers 20 (signed-in customers placing the orders; 0: guests)] \\
                      [--overload-factor 4 (0: no overload phase)] [--overload-duration 20s] \\
                      [--warmup 10s (distributed 30s)] [--warmup-max 900s] [--step 8s] \\
                      [--concurrency 4,8,16,32,64] [--open-duration 120s] [--open-rate N] \\
                      [--open-settle-max 60s (0: the open loop measured at once after the overload phase)] \\
                      [--ceiling true] [--ceiling-app paused|running (distributed paused, embedded running)] \\
                      [--vacuum true (VACUUM (ANALYZE) after the warm-up if the server's autovacuum is off)] \\
                      [--pgbench /usr/bin/pgbench] [--pgbench-seconds 20] [--pgbench-clients 16] \\
                      [--perftest-classpath 'target/bench/perf-test/lib/*'] \\
                      [--rabbit-uri amqp://guest:guest@127.0.0.1:5672] [--transport rabbitmq|redis (the report's label)] \\
                      [--redis-benchmark /usr/bin/redis-benchmark] \\
                      [--redis-uri redis://127.0.0.1:6379] [--redis-benchmark-requests 100000]
                  java -jar orderflow.jar benchmark jfr-summary recording.jfr [--top 25]
                  java -jar orderflow.jar benchmark delete-namespace <namespace> \\
                      [--rabbit-uri amqp://guest:guest@127.0.0.1:5672] (a finished run's queues and exchanges)
                """ + Chaos.usage().substring("usage:\n".length());
    }
}
