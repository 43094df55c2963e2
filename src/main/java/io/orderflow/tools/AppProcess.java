package io.orderflow.tools;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The application under test: one JVM with every module (the embedded mode's shape) on the harness's own
 * PostgreSQL, with the PostgreSQL queue transport. Started, killed, paused and stopped by PID; each start logs
 * to a file of its own.
 */
final class AppProcess {

    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> appArguments;
    private final int httpPort;
    private final Path logs;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Added to the environment of every start (libfaketime's, for the clock-skew fault); empty by default. */
    private volatile Map<String, String> environment = Map.of();

    private volatile Process process;
    private volatile boolean paused;
    private int starts;

    AppProcess(Path jar, List<String> jvmOptions, List<String> appArguments, int httpPort, Path logs) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.appArguments = List.copyOf(appArguments);
        this.httpPort = httpPort;
        this.logs = logs;
    }

    void environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
    }

    /** The application's arguments (those of every start; a start may add more). */
    List<String> arguments() {
        return appArguments;
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Starts the application (with {@code extra} arguments for this start only) and waits until it is healthy. */
    void start(List<String> extra, Duration timeout) throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the application runs already (PID " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(appArguments);
        command.addAll(extra);
        Path log = logs.resolve(String.format("app-%02d.log", ++starts));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        process = builder.redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        paused = false;
        awaitHealthy(timeout, log);
    }

    private void awaitHealthy(Duration timeout, Path log) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/api/health"))
                .timeout(Duration.ofSeconds(3))
                .build();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException(
                        "the application exited during start-up with " + process.exitValue() + " (see " + log + ")");
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the application started", e);
            }
            Quietly.sleep(500);
        }
        throw new IOException("the application was not healthy within " + timeout.toSeconds() + " s (see " + log + ")");
    }

    /** SIGKILL: no shutdown hook, no graceful close of anything. */
    void kill() throws IOException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("no application process to kill");
        }
        process.destroyForcibly();
        await(process, Duration.ofSeconds(30));
        paused = false;
    }

    /** SIGSTOP: the process keeps its connections and its messages but does nothing until resumed. */
    void pause() throws IOException {
        signal("STOP");
        paused = true;
    }

    void resume() throws IOException {
        signal("CONT");
        paused = false;
    }

    /** SIGTERM and a graceful shutdown (a paused process is resumed first); SIGKILL after 30 s. */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            if (paused) {
                resume();
            }
        } catch (IOException e) {
            System.err.println("chaos: could not resume " + process.pid() + " before stopping it: " + e.getMessage());
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println("chaos: application " + process.pid() + " ignored SIGTERM for 30 s: SIGKILL");
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void signal(String name) throws IOException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("no application process to signal");
        }
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                .inheritIO()
                .start();
        if (await(kill, Duration.ofSeconds(10)) != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private static int await(Process p, Duration max) throws IOException {
        try {
            if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("process " + p.pid() + " did not end within " + max.toSeconds() + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
