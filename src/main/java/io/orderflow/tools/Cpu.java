package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** CPU time from /proc: the application's processes, every postgres process, this load generator, the machine. */
final class Cpu {

    static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    record Sample(long nanos, Map<Long, Long> app, long postgres, long self, long machineTotal, long machineIdle) {}

    /** Cores busy between two samples (1.0 = one core fully used). */
    record Usage(
            double appCores, double postgresCores, double loadGeneratorCores, double machineBusyPercent, int cores) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("app_cores", round(appCores));
            m.put("postgres_cores", round(postgresCores));
            m.put("load_generator_cores", round(loadGeneratorCores));
            m.put("machine_busy_percent", round(machineBusyPercent));
            m.put("machine_cores", cores);
            return m;
        }
    }

    private final List<Long> appPids;

    Cpu(List<Long> appPids) {
        this.appPids = List.copyOf(appPids);
    }

    List<Long> appPids() {
        return appPids;
    }

    Sample sample() {
        Map<Long, Long> app = new LinkedHashMap<>();
        for (long pid : appPids) {
            app.put(pid, ticks(pid));
        }
        long pg = 0;
        for (long pid : processesNamed("postgres")) {
            pg += ticks(pid);
        }
        long[] machine = machine();
        return new Sample(
                System.nanoTime(), app, pg, ticks(ProcessHandle.current().pid()), machine[0], machine[1]);
    }

    static Usage between(Sample a, Sample b) {
        double seconds = Math.max(1e-3, (b.nanos() - a.nanos()) / 1e9);
        long app = 0;
        for (var e : b.app().entrySet()) {
            app += Math.max(0, e.getValue() - a.app().getOrDefault(e.getKey(), e.getValue()));
        }
        long total = b.machineTotal() - a.machineTotal();
        long idle = b.machineIdle() - a.machineIdle();
        return new Usage(
                app / TICKS_PER_SECOND / seconds,
                Math.max(0, b.postgres() - a.postgres()) / TICKS_PER_SECOND / seconds,
                (b.self() - a.self()) / TICKS_PER_SECOND / seconds,
                total <= 0 ? 0 : 100.0 * (total - idle) / total,
                Runtime.getRuntime().availableProcessors());
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

    /** {total, idle + iowait} jiffies of the whole machine. */
    static long[] machine() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static List<Long> processesNamed(String name) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    if (Files.readString(dir.resolve("comm")).trim().equals(name)) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
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
