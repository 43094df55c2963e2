package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of the chaos harness's own: initdb into a temporary directory, trust authentication,
 * 127.0.0.1 on a port of its own, its socket in that directory. The harness may crash it
 * ({@code pg_ctl stop -m immediate}); the shared server is never touched. Run as the {@code postgres} user
 * when the harness runs as root (PostgreSQL refuses root).
 */
final class HarnessPostgres {

    private final Path bin;
    private final int port;
    private final Path dir;
    private final Path data;
    /** The server's own log, in the cluster's directory (the postgres user cannot write the harness's). */
    private final Path log;
    /** What pg_ctl, initdb and createdb print, and a copy of the server log at the end. */
    private final Path out;

    private final boolean asPostgresUser;

    HarnessPostgres(Path bin, int port, Path out) throws IOException {
        this.bin = bin;
        this.port = port;
        this.out = out;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
        this.dir = Files.createTempDirectory("orderflow-chaos-pg-");
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        if (asPostgresUser) {
            run(List.of("chown", "postgres", dir.toString()), 30);
        }
        // fsync stays on: surviving a crash is what this cluster is for
        run(
                asUser(List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "--encoding=UTF8",
                        "--no-instructions")),
                120);
        Files.writeString(
                data.resolve("postgresql.auto.conf"),
                "listen_addresses = '127.0.0.1'\nport = " + port + "\nunix_socket_directories = '" + dir
                        + "'\nmax_connections = 60\nshared_buffers = 64MB\n",
                StandardOpenOption.APPEND);
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return data;
    }

    Path directory() {
        return dir;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/orderflow";
    }

    void start() throws IOException {
        run(
                asUser(List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-l",
                        log.toString(),
                        "-w",
                        "-t",
                        "120",
                        "start")),
                150);
    }

    void createDatabase() throws IOException {
        run(
                asUser(List.of(
                        bin.resolve("createdb").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(port),
                        "-U",
                        "postgres",
                        "orderflow")),
                60);
    }

    /** The crash: every server process killed at once, no checkpoint; the next start replays the WAL. */
    void crash() throws IOException {
        run(asUser(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop")), 60);
    }

    /** The postmaster's PID while it runs (first line of postmaster.pid), else -1. */
    long pid() {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Stops the server if it runs and removes the cluster. Never throws: it runs in the shutdown hook. */
    void destroy() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(asUser(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "stop")), 60);
            }
        } catch (IOException e) {
            long pid = pid();
            System.err.println("chaos: pg_ctl stop failed (" + e.getMessage() + "), killing postmaster " + pid);
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        try {
            if (Files.exists(log)) {
                Files.copy(log, out.resolve("postgres.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("chaos: could not keep the server log: " + e.getMessage());
        }
        Quietly.removeTree(dir);
    }

    private List<String> asUser(List<String> command) {
        if (!asPostgresUser) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs a command to its end (at most {@code seconds}); its output goes to the cluster's log. */
    private void run(List<String> command, int seconds) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        out.resolve("pg_ctl.log").toFile()))
                .start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + " (see "
                    + out.resolve("pg_ctl.log") + ")");
        }
    }
}
