package io.orderflow.tools;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of the chaos harness's own: {@code rabbitmq-server} with a node name, AMQP and distribution ports,
 * database, logs, configuration and Erlang cookie of its own in a temporary directory (no plugins, so no management
 * listener), on 127.0.0.1. The harness may crash it (SIGKILL of its Erlang VM) and start it again on the same
 * directory: durable queues and persistent, confirmed messages survive. The shared node on 5672 is never touched; the
 * node registers its name with the machine's epmd like any other node.
 */
final class HarnessRabbit implements HarnessTransport {

    private final Path server;
    private final Path ctl;
    private final int port;
    private final int distPort;
    private final String node;
    private final Path dir;
    private final Path out;
    private volatile Process launcher;

    HarnessRabbit(Path sbin, int port, int distPort, Path out) throws IOException {
        this.server = sbin.resolve("rabbitmq-server");
        this.ctl = sbin.resolve("rabbitmqctl");
        this.port = port;
        this.distPort = distPort;
        this.out = out;
        this.dir = Files.createTempDirectory("orderflow-chaos-rabbit-");
        this.node = "chaos-" + dir.getFileName().toString().replace("orderflow-chaos-rabbit-", "") + "@localhost";
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        // loopback_users = none: guest/guest from 127.0.0.1 only, as the node listens on nothing else
        Files.writeString(
                dir.resolve("rabbitmq.conf"), "listeners.tcp.1 = 127.0.0.1:" + port + "\nloopback_users = none\n");
        // an empty environment file: the machine's /etc/rabbitmq/rabbitmq-env.conf names the shared node
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    }

    String node() {
        return node;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public String name() {
        return "rabbitmq";
    }

    /** The module processes on this node: the distributed profile, guest on 127.0.0.1, the run's namespace. */
    @Override
    public List<String> appArguments(String namespace, int port) {
        return List.of(
                "--spring.profiles.active=distributed",
                "--spring.rabbitmq.host=127.0.0.1",
                "--spring.rabbitmq.port=" + port,
                "--spring.rabbitmq.username=guest",
                "--spring.rabbitmq.password=guest",
                "--orderflow.messaging.rabbitmq.namespace=" + namespace);
    }

    @Override
    public String pidLine() {
        return "rabbit " + pid() + " " + dir;
    }

    /**
     * Messages on the run's queues ({@code <namespace>.<module>} and its {@code .retry}), ready or delivered and not
     * yet acknowledged; the processes' own exclusive broadcast queues are left out.
     */
    @Override
    public Map<String, Long> inFlight(String namespace) throws IOException {
        Map<String, Long> depths = new TreeMap<>();
        queueDepths(namespace + ".").forEach((queue, depth) -> {
            if (!queue.startsWith(namespace + ".broadcast.")) {
                depths.put(queue, depth);
            }
        });
        return depths;
    }

    @Override
    public String describe() {
        return "the harness's own node " + node;
    }

    /** Starts the node and waits until its AMQP listener accepts connections (the last step of its boot). */
    @Override
    public void start(Duration timeout) throws IOException {
        if (launcher != null && launcher.isAlive()) {
            throw new IllegalStateException("the RabbitMQ node runs already (PID " + pid() + ")");
        }
        ProcessBuilder builder = new ProcessBuilder(server.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        out.resolve("rabbitmq-server.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment(builder.environment());
        Map<String, String> env = builder.environment();
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        launcher = builder.start();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!launcher.isAlive()) {
                throw new IOException("rabbitmq-server exited during start-up with " + launcher.exitValue() + " (see "
                        + out.resolve("rabbitmq-server.log") + " and " + dir.resolve("log") + ")");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Quietly.sleep(250);
            }
        }
        throw new IOException(
                "the RabbitMQ node " + node + " did not listen on :" + port + " within " + timeout.toSeconds() + " s");
    }

    /** The node's Erlang VM ({@code beam.smp}), a child of the launcher script; -1 when it does not run. */
    @Override
    public long pid() {
        return beam().map(ProcessHandle::pid).orElse(-1L);
    }

    private Optional<ProcessHandle> beam() {
        Process p = launcher;
        if (p == null || !p.isAlive()) {
            return Optional.empty();
        }
        return p.descendants()
                .filter(h -> h.info().command().orElse("").contains("beam"))
                .findFirst();
    }

    /** The crash: SIGKILL of the Erlang VM, no graceful close of anything; the launcher script ends with it. */
    @Override
    public void crash() throws IOException {
        ProcessHandle vm = beam().orElseThrow(() -> new IllegalStateException("no RabbitMQ node to crash"));
        vm.destroyForcibly();
        try {
            vm.onExit().get(30, TimeUnit.SECONDS);
            if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the RabbitMQ node did not end within 30 s of SIGKILL", e);
        }
    }

    /**
     * Messages per queue whose name starts with {@code prefix}: ready plus unacknowledged (delivered to a consumer that
     * has not yet acknowledged them), through {@code rabbitmqctl list_queues}.
     */
    Map<String, Long> queueDepths(String prefix) throws IOException {
        return depths(ctl("list_queues", "name", "messages"), prefix);
    }

    /** {@code rabbitmqctl -q list_queues name messages}'s lines (name, whitespace, count) of the queues under a prefix. */
    static Map<String, Long> depths(List<String> lines, String prefix) {
        Map<String, Long> depths = new TreeMap<>();
        for (String line : lines) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 2 && cols[0].startsWith(prefix)) {
                try {
                    depths.put(cols[0], Long.parseLong(cols[1]));
                } catch (NumberFormatException e) {
                    // a header or a warning line
                }
            }
        }
        return depths;
    }

    private List<String> ctl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(ctl.toString(), "-n", node, "-q"));
        command.addAll(List.of(arguments));
        // its output to a file, not a pipe: a rabbitmqctl that hangs must not block a read with no time bound
        Path output = Files.createTempFile(dir, "rabbitmqctl-", ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        environment(builder.environment());
        Process p = builder.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("rabbitmqctl " + String.join(" ", arguments) + " took longer than 60 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("rabbitmqctl " + String.join(" ", arguments) + " exited with " + p.exitValue()
                        + ": " + text.strip());
            }
            return text.lines().toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** What the server and rabbitmqctl need to find this node and its cookie, and nothing of the machine's node. */
    private void environment(Map<String, String> env) {
        env.put("HOME", dir.resolve("home").toString());
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        env.remove("RABBITMQ_HOME");
    }

    /**
     * Stops the node ({@code rabbitmqctl shutdown}, SIGKILL if that fails), keeps its log and removes its directory.
     * Never throws: it runs in the shutdown hook.
     */
    @Override
    public void destroy() {
        if (pid() > 0) {
            try {
                ctl("shutdown");
            } catch (IOException | RuntimeException e) {
                System.err.println("chaos: rabbitmqctl shutdown failed (" + e.getMessage() + "), SIGKILL");
            }
            beam().ifPresent(ProcessHandle::destroyForcibly);
        }
        Process p = launcher;
        if (p != null) {
            p.destroyForcibly();
        }
        try (Stream<Path> logs = Files.list(dir.resolve("log"))) {
            for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.copy(log, out.resolve("rabbitmq-" + log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("chaos: could not keep the RabbitMQ log: " + e.getMessage());
        }
        Quietly.removeTree(dir);
    }
}
