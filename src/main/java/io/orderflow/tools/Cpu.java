package io.orderflow.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * CPU time from /proc: the application's processes (and, of it, their JIT compiler and garbage collector threads),
 * every postgres process, the brokers on this machine (RabbitMQ's {@code beam.smp}, {@code redis-server}: none where
 * they run elsewhere), this load generator, the machine (and, of it, the time its hypervisor took); the application
 * JVMs' garbage collection pauses ({@link GcPauses}); how late a thread woke on this machine ({@link WakeUpDelays});
 * the kernel's pressure stall information (PSI: how long some task waited for a core, and for the disk); and, given a
 * database server that times them, how long its WAL flushes took ({@link WalFlushes}).
 */
final class Cpu {

    static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    static final String POSTGRES = "postgres";
    private static final String RABBITMQ = "beam.smp";
    private static final String REDIS = "redis-server";

    record Sample(
            long nanos,
            Map<Long, String> appNames,
            Map<Long, Long> app,
            Map<Long, Long> appJit,
            Map<Long, Long> appGc,
            Map<Long, Long> appGcPauses,
            Map<Long, Long> appGcPauseNanos,
            long postgres,
            long rabbitmq,
            long redis,
            long self,
            long machineTotal,
            long machineIdle,
            long machineSteal,
            long machineContextSwitches,
            Histogram wakeUpDelays,
            @Nullable Pressure pressure,
            WalFlushes.@Nullable Sample walFlushes) {}

    /**
     * The machine's stall totals since boot from {@code /proc/pressure} (Linux 4.20 and later, built with PSI), in
     * microseconds: the time in which at least one task waited for a core ({@code cpu some}), at least one waited for
     * the disk ({@code io some}), and every task that had work waited for the disk ({@code io full}).
     */
    record Pressure(long cpuSome, long ioSome, long ioFull) {}

    /** Cores busy between two samples (1.0 = one core fully used). */
    record Usage(
            double appCores,
            double appJitCores,
            double appGcCores,
            long appGcPauses,
            double appGcPauseMillis,
            double postgresCores,
            double rabbitmqCores,
            double redisCores,
            double loadGeneratorCores,
            double machineBusyPercent,
            double machineStealPercent,
            double contextSwitchesPerSecond,
            double wakeUpDelayP99Millis,
            double wakeUpDelayMaxMillis,
            @Nullable Map<String, Object> pressure,
            @Nullable Map<String, Object> walFlushes,
            int cores,
            Map<String, Double> appCoresByProcess) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("app_cores", round(appCores));
            m.put("app_jit_cores", round(appJitCores));
            m.put("app_gc_cores", round(appGcCores));
            m.put("app_gc_pauses", appGcPauses);
            m.put("app_gc_pause_ms", round(appGcPauseMillis));
            m.put("postgres_cores", round(postgresCores));
            // the brokers' processes on this machine (0 where they run elsewhere): RabbitMQ carries the distributed
            // mode's messages, Redis its rate limits (and the messages with --transport redis)
            m.put("rabbitmq_cores", round(rabbitmqCores));
            m.put("redis_cores", round(redisCores));
            m.put("load_generator_cores", round(loadGeneratorCores));
            m.put("machine_busy_percent", round(machineBusyPercent));
            // the share of the machine's time its hypervisor gave to others (counted in machine_busy_percent too)
            m.put("machine_steal_percent", round(machineStealPercent));
            // every process's switches from one thread to another on this machine: each hand-off between threads
            // (and each wait for a lock, a socket or the disk) costs one or two
            m.put("machine_context_switches_per_second", round(contextSwitchesPerSecond));
            Map<String, Double> wakeUpDelay = new LinkedHashMap<>();
            wakeUpDelay.put("p99", round(wakeUpDelayP99Millis));
            wakeUpDelay.put("max", round(wakeUpDelayMaxMillis));
            m.put("wake_up_delay_ms", wakeUpDelay);
            if (pressure != null) { // the share of the phase in which tasks waited for a core, or for the disk (PSI)
                m.put("pressure_percent", pressure);
            }
            if (walFlushes != null) { // how long the server's WAL flushes took (WalFlushes), when it times them
                m.put("wal_flush_ms", walFlushes);
            }
            m.put("machine_cores", cores);
            Map<String, Double> byProcess = new LinkedHashMap<>();
            appCoresByProcess.forEach((name, c) -> byProcess.put(name, round(c)));
            m.put("app_cores_by_process", byProcess);
            return m;
        }
    }

    private final List<Long> appPids;
    private final WakeUpDelays wakeUps;
    private final WalFlushes walFlushes;
    /** What each application process runs: its {@code ORDERFLOW_MODULES}, read once. */
    private final Map<Long, String> appNames = new LinkedHashMap<>();

    /** Samples these processes, and starts recording how late a thread wakes here ({@link WakeUpDelays}). */
    Cpu(List<Long> appPids) {
        this(appPids, WalFlushes.none());
    }

    /** The same, and reads the database server's WAL flushes with each sample ({@link WalFlushes}). */
    Cpu(List<Long> appPids, WalFlushes walFlushes) {
        this.walFlushes = walFlushes;
        this.wakeUps = WakeUpDelays.start();
        this.appPids = List.copyOf(appPids);
        for (long pid : this.appPids) {
            appNames.put(pid, nameOf(pid));
        }
    }

    List<Long> appPids() {
        return appPids;
    }

    /**
     * One application process read once: its CPU ticks, of them its JIT compilers' and its collectors', and its
     * collectors' pauses so far (null where its performance data cannot be read).
     */
    record ProcessReading(long ticks, long jitTicks, long gcTicks, GcPauses.@Nullable Total pauses) {

        static ProcessReading of(long pid) {
            long[] threads = jitAndGcTicks(pid);
            return new ProcessReading(
                    Cpu.ticks(pid), threads[0], threads[1], GcPauses.of(pid).orElse(null));
        }
    }

    Sample sample() {
        Map<Long, Long> app = new LinkedHashMap<>();
        Map<Long, Long> jit = new LinkedHashMap<>();
        Map<Long, Long> gc = new LinkedHashMap<>();
        Map<Long, Long> pauses = new LinkedHashMap<>();
        Map<Long, Long> pauseNanos = new LinkedHashMap<>();
        for (long pid : appPids) {
            ProcessReading reading = ProcessReading.of(pid);
            app.put(pid, reading.ticks());
            jit.put(pid, reading.jitTicks());
            gc.put(pid, reading.gcTicks());
            GcPauses.Total total = reading.pauses();
            if (total != null) {
                pauses.put(pid, total.pauses());
                pauseNanos.put(pid, total.nanos());
            }
        }
        Map<String, Long> servers = ticksOfProcessesNamed(List.of(POSTGRES, RABBITMQ, REDIS));
        long[] machine = machine();
        return new Sample(
                System.nanoTime(),
                appNames,
                app,
                jit,
                gc,
                pauses,
                pauseNanos,
                servers.getOrDefault(POSTGRES, 0L),
                servers.getOrDefault(RABBITMQ, 0L),
                servers.getOrDefault(REDIS, 0L),
                ticks(ProcessHandle.current().pid()),
                machine[0],
                machine[1],
                machine[2],
                machine[3],
                wakeUps.snapshot(),
                pressure(),
                walFlushes.timed() ? walFlushes.sample() : null);
    }

    static Usage between(Sample a, Sample b) {
        double seconds = Math.max(1e-3, (b.nanos() - a.nanos()) / 1e9);
        long total = b.machineTotal() - a.machineTotal();
        long idle = b.machineIdle() - a.machineIdle();
        long steal = b.machineSteal() - a.machineSteal();
        Histogram wakeUpDelays = WakeUpDelays.between(a.wakeUpDelays(), b.wakeUpDelays());
        return new Usage(
                grown(a.app(), b.app()) / TICKS_PER_SECOND / seconds,
                grown(a.appJit(), b.appJit()) / TICKS_PER_SECOND / seconds,
                grown(a.appGc(), b.appGc()) / TICKS_PER_SECOND / seconds,
                grown(a.appGcPauses(), b.appGcPauses()),
                grown(a.appGcPauseNanos(), b.appGcPauseNanos()) / 1e6,
                Math.max(0, b.postgres() - a.postgres()) / TICKS_PER_SECOND / seconds,
                Math.max(0, b.rabbitmq() - a.rabbitmq()) / TICKS_PER_SECOND / seconds,
                Math.max(0, b.redis() - a.redis()) / TICKS_PER_SECOND / seconds,
                (b.self() - a.self()) / TICKS_PER_SECOND / seconds,
                total <= 0 ? 0 : 100.0 * (total - idle) / total,
                total <= 0 ? 0 : 100.0 * steal / total,
                Math.max(0, b.machineContextSwitches() - a.machineContextSwitches()) / seconds,
                wakeUpDelays.getTotalCount() == 0 ? 0 : wakeUpDelays.getValueAtPercentile(99) / 1000.0,
                wakeUpDelays.getTotalCount() == 0 ? 0 : wakeUpDelays.getMaxValue() / 1000.0,
                pressureBetween(a.pressure(), b.pressure(), b.nanos() - a.nanos()),
                a.walFlushes() == null || b.walFlushes() == null
                        ? null
                        : WalFlushes.summary(a.walFlushes(), b.walFlushes()),
                Runtime.getRuntime().availableProcessors(),
                byProcess(a, b, seconds));
    }

    /**
     * The share of the time between two samples in which some task waited for a core ({@code cpu_some}), some task
     * waited for the disk ({@code io_some}) and every task with work waited for it ({@code io_full}), in per cent;
     * null when the kernel gives no pressure information.
     */
    static @Nullable Map<String, Object> pressureBetween(@Nullable Pressure a, @Nullable Pressure b, long nanos) {
        if (a == null || b == null || nanos <= 0) {
            return null;
        }
        double micros = nanos / 1000.0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_some", percentOf(b.cpuSome() - a.cpuSome(), micros));
        m.put("io_some", percentOf(b.ioSome() - a.ioSome(), micros));
        m.put("io_full", percentOf(b.ioFull() - a.ioFull(), micros));
        return m;
    }

    /** A stall time as a share of the time it was counted in, in per cent, kept within 0-100. */
    private static double percentOf(long stalledMicros, double micros) {
        return round(Math.min(100, 100.0 * Math.max(0, stalledMicros) / micros));
    }

    /** The machine's pressure totals now; null where {@code /proc/pressure} cannot be read. */
    static @Nullable Pressure pressure() {
        try {
            return pressure(
                    Files.readAllLines(Path.of("/proc/pressure/cpu")),
                    Files.readAllLines(Path.of("/proc/pressure/io")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@link #pressure()} from the lines of {@code /proc/pressure/cpu} and {@code /proc/pressure/io}, each like
     * {@code some avg10=1.20 avg60=0.80 avg300=0.50 total=123456} (and a {@code full} line).
     */
    static Pressure pressure(List<String> cpu, List<String> io) {
        return new Pressure(total(cpu, "some"), total(io, "some"), total(io, "full"));
    }

    private static long total(List<String> lines, String kind) {
        for (String line : lines) {
            if (line.startsWith(kind + " ")) {
                for (String field : line.trim().split("\\s+")) {
                    if (field.startsWith("total=")) {
                        return Long.parseLong(field.substring("total=".length()));
                    }
                }
            }
        }
        throw new IllegalArgumentException("no " + kind + " total in " + lines);
    }

    /** Cores busy per application process, by what it runs, the busiest first. */
    private static Map<String, Double> byProcess(Sample a, Sample b, double seconds) {
        Map<String, Double> cores = new LinkedHashMap<>();
        growth(a.app(), b.app())
                .forEach((pid, ticks) -> cores.merge(
                        b.appNames().getOrDefault(pid, "pid " + pid), ticks / TICKS_PER_SECOND / seconds, Double::sum));
        Map<String, Double> sorted = new LinkedHashMap<>();
        cores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * What a process runs: the value of {@code ORDERFLOW_MODULES} in its environment (the distributed benchmark
     * starts each module, the gateway and discovery so), else {@code orderflow} for an application started without
     * it (the embedded mode runs every module), or {@code pid <n>} when its environment cannot be read.
     */
    static String nameOf(long pid) {
        try {
            return moduleOf(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ")));
        } catch (IOException | RuntimeException e) {
            return "pid " + pid;
        }
    }

    /** {@code ORDERFLOW_MODULES} of a process environment as /proc holds it (NUL-separated), else orderflow. */
    static String moduleOf(byte[] environ) {
        String modules = "ORDERFLOW_MODULES=";
        for (String variable : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            if (variable.startsWith(modules) && variable.length() > modules.length()) {
                return variable.substring(modules.length());
            }
        }
        return "orderflow";
    }

    /** How much a per-process count (CPU ticks, GC pauses) grew between two samples, all processes together. */
    private static long grown(Map<Long, Long> before, Map<Long, Long> after) {
        return growth(before, after).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /**
     * How much a per-process count grew between two samples, by process; a process that is gone, or that either sample
     * could not read, is left out.
     */
    private static Map<Long, Long> growth(Map<Long, Long> before, Map<Long, Long> after) {
        Map<Long, Long> grown = new LinkedHashMap<>();
        after.forEach((pid, value) -> {
            Long earlier = before.get(pid);
            if (earlier != null) {
                grown.put(pid, Math.max(0, value - earlier));
            }
        });
        return grown;
    }

    /**
     * {JIT, GC} ticks of a JVM: the threads HotSpot names "C1 CompilerThread<n>" / "C2 CompilerThread<n>", and "GC
     * Thread#<n>", "G1 ..." and the "VM Thread" that runs the collector's safepoint operations (a thread's comm holds
     * its first 15 characters). A thread that ended between two samples takes its ticks with it: compiler threads
     * come and go with the compile queue, so the JIT share reads a little low, never high.
     */
    static long[] jitAndGcTicks(long pid) {
        long[] sums = {0, 0};
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    int kind = threadKind(comm);
                    if (kind >= 0) {
                        sums[kind] += parseTicks(stat);
                    }
                } catch (IOException | RuntimeException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return sums;
        }
        return sums;
    }

    /** 0 for a JIT compiler thread, 1 for a garbage collector's, -1 for any other. */
    static int threadKind(String comm) {
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return 0;
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return 1;
        }
        return -1;
    }

    /** utime + stime of a process, in clock ticks; 0 when it is gone. */
    static long ticks(long pid) {
        try {
            return parseTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long parseTicks(String stat) {
        // the command name may hold spaces and parentheses: fields are counted after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }

    /** {total, idle + iowait, steal} jiffies of the whole machine, and its context switches since boot. */
    static long[] machine() {
        try {
            return machine(Files.readAllLines(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, 0, 0};
        }
    }

    /** {@link #machine()} from the lines of {@code /proc/stat}: its first line, and the one named {@code ctxt}. */
    static long[] machine(List<String> procStat) {
        String[] f = procStat.get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        long switches = procStat.stream()
                .filter(line -> line.startsWith("ctxt "))
                .mapToLong(line -> Long.parseLong(line.substring(5).trim()))
                .findFirst()
                .orElse(0);
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5]), steal, switches};
    }

    /** The CPU ticks of every process on this machine with one of these names, summed by name: one pass over /proc. */
    static Map<String, Long> ticksOfProcessesNamed(List<String> names) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    String name = Files.readString(dir.resolve("comm")).trim();
                    if (names.contains(name)) {
                        ticks.merge(name, ticks(Long.parseLong(dir.getFileName().toString())), Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** The process with a socket listening on {@code port}, found through /proc/net/tcp{,6} and /proc/<pid>/fd. */
    static Long listeningOn(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9
                            && f[3].equals("0A")
                            && f[1].contains(":")
                            && Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table
            }
        }
        if (inodes.isEmpty()) {
            return null;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                                return Long.parseLong(dir.getFileName().toString());
                            }
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // not ours to read
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
