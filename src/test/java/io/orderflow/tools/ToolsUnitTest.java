package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolsUnitTest {

    /**
     * On two cores (here: a JVM told it has two) {@code CompletableFuture}'s default executor, on which the JDK's
     * HttpClient completes every response of the load generator, starts a thread per task; the tools give it the
     * common pool instead. A fresh JVM, since the common pool reads its parallelism once.
     */
    @Test
    void theLoadGeneratorsResponsesCompleteOnAPoolNotOnAThreadEach() throws Exception {
        assertThat(probeAsyncPool(true)).isEqualTo("parallelism 2, common pool true");
        assertThat(probeAsyncPool(false)).isEqualTo("parallelism 1, common pool false");
    }

    private static String probeAsyncPool(boolean asTheToolsDo) throws Exception {
        Process probe = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:ActiveProcessorCount=2",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AsyncPoolProbe.class.getName(),
                        Boolean.toString(asTheToolsDo))
                .redirectErrorStream(true)
                .start();
        String printed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(printed).isZero();
        return printed;
    }

    /** Run in its own JVM by the test above. */
    static final class AsyncPoolProbe {

        public static void main(String[] args) {
            if (Boolean.parseBoolean(args[0])) {
                Tools.useCommonPoolForAsyncStages();
            }
            System.out.println("parallelism " + ForkJoinPool.getCommonPoolParallelism() + ", common pool "
                    + (new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool));
        }
    }

    @Test
    void allowsExactlyTheSagasStatusChanges() {
        List<String> path = InvariantChecker.SAGA_PATH;
        for (int i = 0; i + 1 < path.size(); i++) {
            assertThat(InvariantChecker.allowed(path.get(i), path.get(i + 1)))
                    .as(path.get(i))
                    .isTrue();
        }
        assertThat(InvariantChecker.allowed("pending", "inventory_check")).isFalse();
        assertThat(InvariantChecker.allowed("payment_processing", "validating")).isFalse();
        assertThat(InvariantChecker.allowed("validating", "failed")).isTrue();
        assertThat(InvariantChecker.allowed("shipping", "failed")).isTrue();
        assertThat(InvariantChecker.allowed("pending", "cancelled")).isTrue();
        assertThat(InvariantChecker.allowed("payment_processing", "cancelled")).isTrue();
        assertThat(InvariantChecker.allowed("shipping", "cancelled")).isFalse();
        assertThat(InvariantChecker.allowed("completed", "completed")).isTrue();
        for (String terminal : List.of("completed", "failed", "cancelled")) {
            for (String other : List.of("pending", "shipping", "failed", "cancelled", "completed")) {
                assertThat(InvariantChecker.allowed(terminal, other)).isEqualTo(terminal.equals(other));
            }
        }
    }

    @Test
    void parsesOptionsDurationsAndTheMix() {
        Args args = new Args(
                new String[] {
                    "benchmark",
                    "--url",
                    "http://127.0.0.1:1",
                    "--step=5s",
                    "--flag",
                    "--mix",
                    "declined=0.5,cancel=0.5"
                },
                1);

        assertThat(args.get("url", null)).isEqualTo("http://127.0.0.1:1");
        assertThat(args.duration("step", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(args.flag("flag")).isTrue();
        assertThat(Args.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Args.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        LoadGenerator.Mix mix = LoadGenerator.Mix.parse(args.get("mix", ""));
        assertThat(mix.declined() + mix.cancel()).isEqualTo(1.0);
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertThat(mix.pick(random)).isIn(LoadGenerator.Kind.DECLINED, LoadGenerator.Kind.CANCEL);
        }
        assertThatThrownBy(() -> LoadGenerator.Mix.parse("declined=0.8,cancel=0.8"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Args(new String[0], 0).required("db-url")).hasMessageContaining("--db-url");
    }

    @Test
    void buildsRequestsWithOneToFiveItemsAndTheOutcomesTestValues() {
        LoadGenerator load = new LoadGenerator(
                "http://127.0.0.1:9",
                List.of("BENCH-0001", "BENCH-0002", "BENCH-0003", "BENCH-0004", "BENCH-0005", "BENCH-0006"),
                LoadGenerator.Mix.parse(""));
        Random random = new Random(7);

        assertThat(load.body("a", LoadGenerator.Kind.DECLINED, random)).contains("tok_chargeDeclined");
        assertThat(load.body("b", LoadGenerator.Kind.OUT_OF_STOCK, random)).contains("PROD-004");
        assertThat(load.body("c", LoadGenerator.Kind.SHIPPING_FAILURE, random)).contains("\"country\":\"ZZ\"");
        for (int i = 0; i < 50; i++) {
            int items = load.body("d", LoadGenerator.Kind.HAPPY, random).split("\"sku\"").length - 1;
            assertThat(items).isBetween(1, 5);
        }
        assertThatThrownBy(() -> new LoadGenerator("http://example.com", List.of("X"), LoadGenerator.Mix.parse("")))
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void keepsTheHttpTimesOfAcceptedAndRefusedPlacementsApart() {
        LoadGenerator.Phase phase = new LoadGenerator.Phase("overload", "o-", "open loop");
        long start = phase.startNanos;
        phase.recordHttp(start, start + 20_000_000L, 202); // 20 ms
        phase.recordHttp(start, start + 2_000_000_000L, 503); // 2 s
        phase.recordHttp(start, start + 2_400_000_000L, 503); // 2.4 s
        phase.recordHttp(start, start + 7_000_000L, 500); // an error: in the phase's times only

        assertThat(Benchmark.percentiles(phase.http)).containsEntry("count", 4L);
        assertThat(Benchmark.percentiles(phase.httpAccepted)).containsEntry("count", 1L);
        assertThat((Double) Benchmark.percentiles(phase.httpAccepted).get("p50"))
                .isBetween(19.9, 20.1);
        assertThat(Benchmark.percentiles(phase.httpRefused)).containsEntry("count", 2L);
        assertThat((Double) Benchmark.percentiles(phase.httpRefused).get("p50")).isBetween(1_990.0, 2_010.0);
    }

    @Test
    void listsAPhasesSecondsWithNoLatencyWhereNoOrderWasAccepted() {
        double[][] series = {{0, 1}, {40, 0}, {39, 2}, {18.04, Double.NaN}, {142.4561, Double.NaN}, {31.5, Double.NaN}};

        List<Map<String, Object>> seconds = Benchmark.bySecond(series, List.of());

        assertThat(seconds).hasSize(2);
        assertThat(seconds.get(0))
                .containsEntry("second", 0)
                .containsEntry("accepted", 40L)
                .containsEntry("terminal", 39L)
                .containsEntry("e2e_p50_ms", 18.04)
                .containsEntry("e2e_p99_ms", 142.46)
                .containsEntry("http_p99_ms", 31.5);
        assertThat(seconds.get(1))
                .containsEntry("second", 1)
                .containsEntry("terminal", 2L)
                .containsEntry("e2e_p99_ms", null)
                .containsEntry("http_p99_ms", null);
    }

    @Test
    void linesTheMachinesSecondsUpWithThePhasesAndComparesTheSlowOnesWithTheOthers() {
        double[][] series = {{0, 1, 2}, {50, 50, 50}, {49, 50, 48}, {20, 25, 90}, {90, 140, 420}, {30, 30, 200}};
        // {total, idle + iowait, steal} jiffies and context switches; pressure totals in microseconds
        Map<String, Object> first = MachineSeconds.second(
                new long[] {1_000, 500, 0, 0},
                new long[] {1_200, 560, 2, 0},
                new Cpu.Pressure(0, 0, 0),
                new Cpu.Pressure(600_000, 0, 0),
                1_000_000_000L);
        assertThat(first)
                .containsEntry("machine_busy_percent", 70.0)
                .containsEntry("machine_stolen_percent", 1.0)
                .containsEntry("waiting_for_a_core_percent", 60.0);
        Map<String, Object> second = MachineSeconds.second(
                new long[] {1_200, 560, 2, 0}, new long[] {1_400, 620, 4, 0}, null, null, 1_000_000_000L);
        assertThat(second).containsEntry("waiting_for_a_core_percent", null);
        Map<String, Object> stolen = MachineSeconds.second(
                new long[] {1_400, 620, 4, 0},
                new long[] {1_600, 624, 64, 0},
                new Cpu.Pressure(600_000, 0, 0),
                new Cpu.Pressure(1_600_000, 0, 0),
                1_000_000_000L);

        List<Map<String, Object>> seconds = Benchmark.bySecond(series, List.of(first, second, stolen));

        assertThat(seconds.get(0)).containsEntry("e2e_p99_ms", 90.0).containsEntry("machine_busy_percent", 70.0);
        assertThat(seconds.get(2))
                .containsEntry("e2e_p99_ms", 420.0)
                .containsEntry("machine_busy_percent", 98.0)
                .containsEntry("machine_stolen_percent", 30.0)
                .containsEntry("waiting_for_a_core_percent", 100.0);
        Map<String, Object> slow = MachineSeconds.slowSeconds(seconds);
        assertThat(slow).containsEntry("over_ms", 150.0);
        assertThat(slow.get("slow"))
                .isEqualTo(Map.of(
                        "seconds", 1,
                        "machine_stolen_percent", 30.0,
                        "machine_busy_percent", 98.0,
                        "waiting_for_a_core_percent", 100.0));
        // the seconds without a reading of the wait count in the others' mean of what they have
        assertThat(slow.get("others"))
                .isEqualTo(Map.of(
                        "seconds", 2,
                        "machine_stolen_percent", 1.0,
                        "machine_busy_percent", 70.0,
                        "waiting_for_a_core_percent", 60.0));
        assertThat(Benchmark.slowSecondsMarkdown(Map.of("slow_seconds", slow)))
                .contains("over 150 ms: 1 of 3")
                .contains("98.0 / 70.0 % busy")
                .contains("30.0 / 1.0 % of it stolen")
                .contains("100.0 / 60.0 % of the time");
        // a phase whose seconds have no machine readings has nothing to compare
        assertThat(MachineSeconds.slowSeconds(Benchmark.bySecond(series, List.of())))
                .isEmpty();
        assertThat(Benchmark.slowSecondsMarkdown(Map.of("slow_seconds", Map.of())))
                .isEmpty();
    }

    @Test
    void readsWhatTookTheCoresInEachSecondAndComparesItInTheSlowSecondsLine() {
        // ticks of 1/100 s: the application, its JIT compilers, the collectors' pauses (count, ns), PostgreSQL
        Map<String, Object> busy = MachineSeconds.processesSecond(
                new MachineSeconds.Processes(1_000, 100, 10, 50_000_000L, 400),
                new MachineSeconds.Processes(1_130, 130, 12, 75_000_000L, 460),
                1_000_000_000L);
        assertThat(busy)
                .containsEntry("app_cores", 1.3)
                .containsEntry("app_jit_cores", 0.3)
                .containsEntry("app_gc_pauses", 2L)
                .containsEntry("app_gc_pause_ms", 25.0)
                .containsEntry("postgres_cores", 0.6);
        // a compiler thread that ended takes its ticks with it: never a negative share
        Map<String, Object> ended = MachineSeconds.processesSecond(
                new MachineSeconds.Processes(1_130, 130, 12, 75_000_000L, 460),
                new MachineSeconds.Processes(1_190, 120, 12, 75_000_000L, 500),
                2_000_000_000L);
        assertThat(ended)
                .containsEntry("app_cores", 0.3)
                .containsEntry("app_jit_cores", 0.0)
                .containsEntry("app_gc_pauses", 0L)
                .containsEntry("postgres_cores", 0.2);

        Map<String, Object> slowSecond = new LinkedHashMap<>(
                Map.of("e2e_p99_ms", 300.0, "machine_busy_percent", 95.0, "machine_stolen_percent", 0.0));
        slowSecond.putAll(busy);
        Map<String, Object> quietSecond = new LinkedHashMap<>(
                Map.of("e2e_p99_ms", 60.0, "machine_busy_percent", 60.0, "machine_stolen_percent", 0.0));
        quietSecond.putAll(ended);
        Map<String, Object> slow = MachineSeconds.slowSeconds(List.of(slowSecond, quietSecond));

        assertThat(castMap(slow.get("slow")))
                .containsEntry("app_jit_cores", 0.3)
                .containsEntry("app_gc_pause_ms", 25.0);
        assertThat(castMap(slow.get("others"))).containsEntry("app_cores", 0.3).containsEntry("postgres_cores", 0.2);
        assertThat(Benchmark.slowSecondsMarkdown(Map.of("slow_seconds", slow)))
                .contains("over 150 ms: 1 of 2")
                .contains("the application 1.3 / 0.3 cores, of it its JIT compilers 0.3 / 0.0")
                .contains("pauses 25.0 / 0.0 ms a second; PostgreSQL 0.6 / 0.2 cores");
    }

    @Test
    void reportsTheRoundsThatSettledTheOpenLoopsRateWithTheirOwnLatency() {
        LoadGenerator.Phase first = new LoadGenerator.Phase("settle-1", "run-s0-", "open loop, 30 orders/s");
        LoadGenerator.Phase second = new LoadGenerator.Phase("settle-2", "run-s1-", "open loop, 30 orders/s");
        Benchmark.Settling settling =
                new Benchmark.Settling(List.of(first, second), List.of(usage(0.8, 0.2), usage(0.6, 0.03)), true);

        Map<String, Object> result = settling.result((phase, usage) ->
                Map.of("e2e_ms", Map.of("p50", phase == first ? 40.0 : 22.0, "p99", phase == first ? 420.0 : 130.0)));

        assertThat(result)
                .containsEntry("rounds", 2)
                .containsEntry("jit_share_by_round", List.of(0.25, 0.05))
                .containsEntry("e2e_p50_ms_by_round", List.of(40.0, 22.0))
                .containsEntry("e2e_p99_ms_by_round", List.of(420.0, 130.0))
                .containsEntry("settled", true);
        assertThat(Benchmark.settleMarkdown(result))
                .contains("until the JIT compilers were done after the overload phase (done)")
                .contains("by 10-second round [0.25, 0.05], e2e p50 [40.0, 22.0] and p99 [420.0, 130.0] ms");
        // no rounds (--open-settle-max 0), or a report from before the settling: nothing said
        assertThat(Benchmark.settleMarkdown(
                        new Benchmark.Settling(List.of(), List.of(), false).result((phase, usage) -> Map.of())))
                .isEmpty();
        assertThat(Benchmark.settleMarkdown(null)).isEmpty();
    }

    private static Cpu.Usage usage(double appCores, double jitCores) {
        return new Cpu.Usage(appCores, jitCores, 0, 0, 0, 0, 0, 0, 0, 50, 0, 1_000, 1, 2, null, null, 2, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object map) {
        return (Map<String, Object>) map;
    }

    @Test
    void readsProcessCpuTimeAndToolOutput() {
        assertThat(Cpu.parseTicks("42 (java (x)) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0"))
                .isEqualTo(300);
        assertThat(Cpu.ticks(ProcessHandle.current().pid())).isGreaterThan(0);
        assertThat(List.of("C2 CompilerThre", "C1 CompilerThre", "GC Thread#1", "G1 Conc#0", "VM Thread", "main"))
                .map(Cpu::threadKind)
                .containsExactly(0, 0, 1, 1, 1, -1);
        // this JVM's compiler threads have compiled the test framework by now; a thread's ticks never exceed its
        // process's
        long[] jitAndGc = Cpu.jitAndGcTicks(ProcessHandle.current().pid());
        assertThat(jitAndGc[0]).isGreaterThan(0);
        assertThat(jitAndGc[0] + jitAndGc[1])
                .isLessThanOrEqualTo(Cpu.ticks(ProcessHandle.current().pid()));
        assertThat(Ceiling.number(
                        "latency average = 3.3 ms\ntps = 4782.44 (without initial connection time)\n",
                        "tps = ([0-9.]+)"))
                .isEqualTo(4782.44);
        assertThat(Ceiling.number("id: x, receiving rate avg: 20213 msg/s", "receiving rate avg: ([0-9.]+) msg/s"))
                .isEqualTo(20213.0);
        // redis-benchmark --csv names a custom test by its command line, quotes of a JSON payload unescaped
        assertThat(Ceiling.csvRate("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
                        + "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n"
                        + "\"XADD s * payload {\"order_id\": \"6f\",\"amount\": 93.98}\",\"87719.30\",\"2.060\",\"0.152\","
                        + "\"1.615\",\"6.007\",\"8.207\",\"8.599\"\n"))
                .isEqualTo(87719.30);
        assertThat(Ceiling.csvRate("Could not connect to Redis at 127.0.0.1:6379: Connection refused\n"))
                .isNull();
        assertThat(Ceiling.combined(30_000, 60_000)).isEqualTo(20_000.0);
        assertThat(Ceiling.PAYLOAD.length()).isBetween(280, 340);
        assertThat(Ceiling.PAYLOAD).doesNotContainPattern(":[A-Za-z0-9_]");
    }

    @Test
    void drawsAChart(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("c.png");
        Charts.line(png, "t", "x", "y", List.of(new Charts.Series("s", new double[] {0, 1, 2}, new double[] {
            1, Double.NaN, 3
        })));

        assertThat(Files.size(png)).isGreaterThan(1000);
        assertThat(Charts.niceCeiling(42)).isEqualTo(50);
    }
}
