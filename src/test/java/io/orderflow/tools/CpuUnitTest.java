package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CpuUnitTest {

    @Test
    void countsTheApplicationJvmsGcPausesBetweenTwoSamples() {
        Cpu cpu = new Cpu(List.of(ProcessHandle.current().pid()));
        Cpu.Sample before = cpu.sample();

        System.gc();

        Cpu.Usage usage = Cpu.between(before, cpu.sample());
        assertThat(usage.appGcPauses()).isPositive();
        assertThat(usage.appGcPauseMillis()).isPositive();
    }

    @Test
    void aJvmWithoutPerformanceDataAddsNoPauses() {
        Cpu cpu = new Cpu(List.of(Long.MAX_VALUE));

        Cpu.Usage usage = Cpu.between(cpu.sample(), cpu.sample());

        assertThat(usage.appGcPauses()).isZero();
        assertThat(usage.appGcPauseMillis()).isZero();
    }

    @Test
    void namesAProcessByTheModulesItRuns() {
        byte[] environ = "HOME=/root\0ORDERFLOW_MODULES=order\0SERVER_PORT=18081\0".getBytes(StandardCharsets.UTF_8);

        assertThat(Cpu.moduleOf(environ)).isEqualTo("order");
        assertThat(Cpu.moduleOf("HOME=/root\0ORDERFLOW_MODULES=\0".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("orderflow");
        assertThat(Cpu.nameOf(ProcessHandle.current().pid())).isNotBlank();
        assertThat(Cpu.nameOf(Long.MAX_VALUE)).isEqualTo("pid " + Long.MAX_VALUE);
    }

    @Test
    void readsTheCpuOfProcessesByNameInOnePassAndAddsUpThoseOfOneName() {
        String self = ProcessHandle.current()
                .info()
                .command()
                .map(c -> c.substring(c.lastIndexOf('/') + 1))
                .orElse("java");
        long own = Cpu.ticks(ProcessHandle.current().pid());

        Map<String, Long> ticks = Cpu.ticksOfProcessesNamed(List.of(self, "no-such-process-here"));

        // this JVM is one of the processes of its name (an earlier fork may be another): at least its own ticks
        assertThat(ticks.get(self)).isGreaterThanOrEqualTo(own);
        assertThat(ticks).doesNotContainKey("no-such-process-here");
    }

    @Test
    void theBrokersCpuIsSharedOutLikePostgresqlsAndShownBySystem() {
        Cpu.Sample before = withServers(0, 100, 200, 40);
        Cpu.Sample after = withServers(2_000_000_000L, 150, 500, 60);

        Cpu.Usage usage = Cpu.between(before, after);

        assertThat(usage.postgresCores()).isEqualTo(0.25);
        assertThat(usage.rabbitmqCores()).isEqualTo(1.5);
        assertThat(usage.redisCores()).isEqualTo(0.1);
        assertThat(usage.toMap()).containsEntry("rabbitmq_cores", 1.5).containsEntry("redis_cores", 0.1);
    }

    @Test
    void splitsTheApplicationsCpuByProcessTheBusiestFirst() {
        Map<Long, String> names = Map.of(1L, "gateway", 2L, "order", 3L, "order");
        Cpu.Sample before = sample(0, names, Map.of(1L, 100L, 2L, 100L, 3L, 100L));
        Cpu.Sample after = sample(2_000_000_000L, names, Map.of(1L, 150L, 2L, 160L, 3L, 140L, 4L, 30L));

        Cpu.Usage usage = Cpu.between(before, after);

        // two order processes add up; a process the first sample did not know adds nothing
        assertThat(usage.appCoresByProcess()).containsExactly(Map.entry("order", 0.5), Map.entry("gateway", 0.25));
        assertThat(usage.appCores()).isEqualTo(0.75);
    }

    @Test
    void countsTheTimeTheHypervisorTookAndHowLateAThreadWokeBetweenTwoSamples() {
        WakeUpDelays wakeUps = WakeUpDelays.none();
        wakeUps.record(900_000_000L); // before the first sample: not in the usage
        Cpu.Sample before = sample(0, Map.of(), Map.of(), 1_000, 400, 10, 5_000, wakeUps);
        for (int i = 0; i < 98; i++) {
            wakeUps.record(50_000L);
        }
        wakeUps.record(40_000_000L);
        wakeUps.record(150_000_000L);
        Cpu.Sample after = sample(2_000_000_000L, Map.of(), Map.of(), 1_200, 500, 30, 25_000, wakeUps);

        Cpu.Usage usage = Cpu.between(before, after);

        assertThat(usage.machineBusyPercent()).isEqualTo(50.0);
        assertThat(usage.machineStealPercent()).isEqualTo(10.0);
        assertThat(usage.wakeUpDelayP99Millis()).isCloseTo(40.0, within(0.5));
        assertThat(usage.wakeUpDelayMaxMillis()).isCloseTo(150.0, within(1.0));
        assertThat(usage.toMap()).containsEntry("machine_steal_percent", 10.0);
        assertThat(usage.toMap()).containsEntry("machine_context_switches_per_second", 10_000.0);
    }

    @Test
    void readsTheMachinesTicksAndContextSwitchesFromProcStat() {
        List<String> procStat = List.of(
                "cpu  100 5 50 700 20 0 3 7 0 0",
                "cpu0 50 2 25 350 10 0 1 3 0 0",
                "intr 123456 0 0",
                "ctxt 987654321",
                "btime 1764979200");

        assertThat(Cpu.machine(procStat)).containsExactly(885, 720, 7, 987_654_321);
        assertThat(Cpu.machine(List.of("cpu  1 2 3 4 5 6 7"))).containsExactly(28, 9, 0, 0); // no steal, no ctxt
    }

    @Test
    void readsTheKernelsStallTotalsForCoresAndTheDisk() {
        Cpu.Pressure pressure = Cpu.pressure(
                List.of(
                        "some avg10=10.48 avg60=5.68 avg300=15.66 total=144468412",
                        "full avg10=0.00 avg60=0.00 avg300=0.00 total=0"),
                List.of(
                        "some avg10=0.54 avg60=0.09 avg300=0.12 total=3267082",
                        "full avg10=0.36 avg60=0.06 avg300=0.10 total=2741895"));

        assertThat(pressure).isEqualTo(new Cpu.Pressure(144_468_412, 3_267_082, 2_741_895));
    }

    @Test
    void givesTheShareOfThePhaseInWhichTasksWaitedForACoreOrTheDisk() {
        // over 2 s: some task waited 1.5 s for a core, 0.2 s for the disk, all of them 0.05 s
        Map<String, Object> share = Cpu.pressureBetween(
                new Cpu.Pressure(1_000_000, 500_000, 100_000),
                new Cpu.Pressure(2_500_000, 700_000, 150_000),
                2_000_000_000L);

        assertThat(share)
                .containsExactly(Map.entry("cpu_some", 75.0), Map.entry("io_some", 10.0), Map.entry("io_full", 2.5));
        assertThat(Benchmark.pressureCell(Map.of("cpu", Map.of("pressure_percent", share))))
                .isEqualTo("75.0 / 10.0 / 2.5");
    }

    @Test
    void saysNothingOfPressureWhereTheKernelGivesNone() {
        assertThat(Cpu.pressureBetween(null, new Cpu.Pressure(1, 1, 1), 1_000_000_000L))
                .isNull();
        assertThat(Benchmark.pressureCell(Map.of("cpu", Map.of()))).isEqualTo("–");
    }

    @Test
    void recordsHowLateItsOwnThreadWakes() {
        Cpu cpu = new Cpu(List.of());
        Cpu.Sample before = cpu.sample();

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        WakeUpDelays.between(before.wakeUpDelays(), cpu.sample().wakeUpDelays())
                                        .getTotalCount()
                                >= 10);
    }

    private static Cpu.Sample withServers(long nanos, long postgres, long rabbitmq, long redis) {
        return new Cpu.Sample(
                nanos,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                postgres,
                rabbitmq,
                redis,
                0,
                0,
                0,
                0,
                0,
                WakeUpDelays.none().snapshot(),
                null,
                null);
    }

    private static Cpu.Sample sample(long nanos, Map<Long, String> names, Map<Long, Long> ticks) {
        return sample(nanos, names, ticks, 0, 0, 0, 0, WakeUpDelays.none());
    }

    private static Cpu.Sample sample(
            long nanos,
            Map<Long, String> names,
            Map<Long, Long> ticks,
            long machineTotal,
            long machineIdle,
            long machineSteal,
            long machineContextSwitches,
            WakeUpDelays wakeUps) {
        return new Cpu.Sample(
                nanos,
                names,
                ticks,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                0,
                0,
                0,
                0,
                machineTotal,
                machineIdle,
                machineSteal,
                machineContextSwitches,
                wakeUps.snapshot(),
                null,
                null);
    }
}
