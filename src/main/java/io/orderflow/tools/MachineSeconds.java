package io.orderflow.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The machine second by second while a phase runs: how busy its cores were, how much of them its hypervisor gave to
 * others (stolen), and for how long some task waited for a core; and what took the cores: the application's processes,
 * of it their JIT compilers, their collectors' pauses, and PostgreSQL. Lined up with the phase's own seconds
 * ({@link Benchmark#bySecond}), they tell a slow second on a machine that lost cores from one where the application
 * was slow on cores it had: on a shared 2-core machine the open loop's tail at half the maximum came from both.
 */
final class MachineSeconds {

    /** A second of the open loop is slow when the 99th percentile of its orders is over goal 3's bound. */
    static final double SLOW_P99_MS = 150;

    private final ScheduledExecutorService timer;
    private final List<Map<String, Object>> seconds = new ArrayList<>();
    private final List<Long> appPids;
    private long[] last;
    private Cpu.@Nullable Pressure lastPressure;
    private Processes lastProcesses;
    private long lastNanos;

    /** CPU ticks of the application's processes, of their JIT compiler threads, and PostgreSQL's; the collectors' pauses. */
    record Processes(long app, long appJit, long gcPauses, long gcPauseNanos, long postgres) {}

    private MachineSeconds(List<Long> appPids) {
        this.appPids = List.copyOf(appPids);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "machine-seconds");
            thread.setDaemon(true);
            return thread;
        });
        this.last = Cpu.machine();
        this.lastPressure = Cpu.pressure();
        this.lastProcesses = processes(this.appPids);
        this.lastNanos = System.nanoTime();
    }

    /** Samples from now on, once a second, on a thread of its own; {@code appPids} are the application's processes. */
    static MachineSeconds start(List<Long> appPids) {
        MachineSeconds sampler = new MachineSeconds(appPids);
        sampler.timer.scheduleAtFixedRate(sampler::tick, 1, 1, TimeUnit.SECONDS);
        return sampler;
    }

    private synchronized void tick() {
        long[] now = Cpu.machine();
        Cpu.Pressure pressure = Cpu.pressure();
        Processes processes = processes(appPids);
        long nanos = System.nanoTime();
        Map<String, Object> second = second(last, now, lastPressure, pressure, nanos - lastNanos);
        second.putAll(processesSecond(lastProcesses, processes, nanos - lastNanos));
        seconds.add(second);
        last = now;
        lastPressure = pressure;
        lastProcesses = processes;
        lastNanos = nanos;
    }

    /** A reading of the processes, each read as {@link Cpu#sample()} reads it, summed over the application's. */
    static Processes processes(List<Long> appPids) {
        long app = 0;
        long jit = 0;
        long pauses = 0;
        long pauseNanos = 0;
        for (long pid : appPids) {
            Cpu.ProcessReading reading = Cpu.ProcessReading.of(pid);
            app += reading.ticks();
            jit += reading.jitTicks();
            GcPauses.Total total = reading.pauses();
            if (total != null) {
                pauses += total.pauses();
                pauseNanos += total.nanos();
            }
        }
        long postgres = Cpu.ticksOfProcessesNamed(List.of(Cpu.POSTGRES)).getOrDefault(Cpu.POSTGRES, 0L);
        return new Processes(app, jit, pauses, pauseNanos, postgres);
    }

    /**
     * One second's share of the processes between two readings: the application's cores, of them its JIT compilers',
     * its collectors' pauses (how many, and their length in ms, over every JVM), and PostgreSQL's cores. A compiler
     * thread that ended between the readings takes its ticks with it, so a second's JIT share can read low, and a
     * negative difference reads 0.
     */
    static Map<String, Object> processesSecond(Processes before, Processes after, long nanos) {
        double seconds = Math.max(1e-3, nanos / 1e9);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app_cores", cores(after.app() - before.app(), seconds));
        m.put("app_jit_cores", cores(after.appJit() - before.appJit(), seconds));
        m.put("app_gc_pauses", Math.max(0, after.gcPauses() - before.gcPauses()));
        m.put("app_gc_pause_ms", Cpu.round(Math.max(0, after.gcPauseNanos() - before.gcPauseNanos()) / 1e6));
        m.put("postgres_cores", cores(after.postgres() - before.postgres(), seconds));
        return m;
    }

    private static double cores(long ticks, double seconds) {
        return Cpu.round(Math.max(0, ticks) / Cpu.TICKS_PER_SECOND / seconds);
    }

    /** Stops sampling; the seconds sampled, the first one first. */
    List<Map<String, Object>> stop() {
        timer.shutdownNow();
        synchronized (this) {
            return List.copyOf(seconds);
        }
    }

    /** One second from two readings of {@link Cpu#machine()} and of {@link Cpu#pressure()}, in per cent. */
    static Map<String, Object> second(
            long[] before,
            long[] after,
            Cpu.@Nullable Pressure pressureBefore,
            Cpu.@Nullable Pressure pressureAfter,
            long nanos) {
        long total = after[0] - before[0];
        long idle = after[1] - before[1];
        long steal = after[2] - before[2];
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("machine_busy_percent", total <= 0 ? null : Cpu.round(100.0 * (total - idle) / total));
        m.put("machine_stolen_percent", total <= 0 ? null : Cpu.round(100.0 * steal / total));
        Map<String, Object> waits = Cpu.pressureBetween(pressureBefore, pressureAfter, nanos);
        m.put("waiting_for_a_core_percent", waits == null ? null : waits.get("cpu_some"));
        return m;
    }

    /**
     * The open loop's slow seconds (an e2e p99 over {@link #SLOW_P99_MS}) against the others: in each group, how many,
     * and the mean share of the machine stolen, its mean busy share, the mean wait for a core, and where the processes
     * were read, the means of the application's cores, its JIT compilers' cores, its collectors' pause ms and
     * PostgreSQL's cores. Empty when the seconds carry no machine readings.
     */
    static Map<String, Object> slowSeconds(List<Map<String, Object>> bySecond) {
        List<Map<String, Object>> slow = new ArrayList<>();
        List<Map<String, Object>> others = new ArrayList<>();
        for (Map<String, Object> second : bySecond) {
            if (!(second.get("machine_busy_percent") instanceof Number)) {
                continue;
            }
            Object p99 = second.get("e2e_p99_ms");
            (p99 instanceof Number n && n.doubleValue() > SLOW_P99_MS ? slow : others).add(second);
        }
        if (slow.isEmpty() && others.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("over_ms", SLOW_P99_MS);
        m.put("slow", means(slow));
        m.put("others", means(others));
        return m;
    }

    private static Map<String, Object> means(List<Map<String, Object>> seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", seconds.size());
        for (String key : List.of("machine_stolen_percent", "machine_busy_percent", "waiting_for_a_core_percent")) {
            m.put(key, mean(seconds, key));
        }
        for (String key : List.of("app_cores", "app_jit_cores", "app_gc_pause_ms", "postgres_cores")) {
            if (seconds.stream().anyMatch(s -> s.get(key) instanceof Number)) {
                m.put(key, mean(seconds, key));
            }
        }
        return m;
    }

    /** The mean of a key over seconds that have it; 0 when none has. */
    private static double mean(List<Map<String, Object>> seconds, String key) {
        return Cpu.round(seconds.stream()
                .map(s -> s.get(key))
                .filter(Number.class::isInstance)
                .mapToDouble(v -> ((Number) v).doubleValue())
                .average()
                .orElse(0));
    }
}
