package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The distributed mode under test: the same jar started once per module ({@code orderflow.modules}, profile
 * {@code distributed}, RabbitMQ transport), the payment module twice (competing consumers on its queue), each on a free
 * port, on the harness's own PostgreSQL cluster and its own RabbitMQ node, under a namespace of the run's own. No
 * gateway and no discovery: the load goes straight to the order process, and the other processes fetch the token keys
 * straight from the customer process ({@code orderflow.security.jwks-uri}); the chaos controls of each process are
 * called at its own port. Every process is started, killed, paused and stopped by PID.
 */
final class DistributedDeployment {

    /** Every module, one process each (and {@link #TWICE} twice). */
    static final List<String> MODULES =
            List.of("order", "catalog", "inventory", "payment", "shipping", "notification", "customer");
    /** The saga's participants: the modules the order module sends commands to (pause-module's targets). */
    static final List<String> PARTICIPANTS = List.of("catalog", "inventory", "payment", "shipping", "notification");
    /** The module that runs as two instances competing on its queue (kill-instance's targets). */
    static final String TWICE = "payment";

    /** One process: its name ({@code payment-2}), its module, the process and its chaos controls. */
    record Member(String name, String module, AppProcess process, ChaosControls controls) {}

    private final Map<String, Member> members = new LinkedHashMap<>();
    /** The runtime faults each process offers, read once everything runs. */
    private final Map<String, Set<String>> faults = new TreeMap<>();

    final HarnessRabbit rabbit;
    final String namespace;
    /** The processes' own TCP proxies to the database and the broker ({@code partition-module}); null when direct. */
    private final ModuleLinks links;

    private final Duration startTimeout;

    static List<String> instancesOf(String module) {
        return module.equals(TWICE) ? List.of(module + "-1", module + "-2") : List.of(module);
    }

    /**
     * @param common the settings every process gets (database, operator secret, chaos controls, ...); the module, its
     *     port, the broker and the customer process's key set are added here
     */
    DistributedDeployment(
            Path jar,
            List<String> jvmOptions,
            List<String> common,
            HarnessRabbit rabbit,
            String namespace,
            String operatorSecret,
            Path logs,
            Duration startTimeout)
            throws IOException {
        this(jar, jvmOptions, common, rabbit, namespace, operatorSecret, logs, startTimeout, null);
    }

    /**
     * @param links when not null, each process reaches the database and the broker through its own proxies: its
     *     {@code spring.datasource.url} and AMQP port are its proxies', whatever {@code common} says
     */
    DistributedDeployment(
            Path jar,
            List<String> jvmOptions,
            List<String> common,
            HarnessRabbit rabbit,
            String namespace,
            String operatorSecret,
            Path logs,
            Duration startTimeout,
            ModuleLinks links)
            throws IOException {
        this.links = links;
        this.rabbit = rabbit;
        this.namespace = namespace;
        this.startTimeout = startTimeout;
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String module : MODULES) {
            for (String name : instancesOf(module)) {
                ports.put(name, Chaos.freePort());
            }
        }
        String customer = "http://127.0.0.1:" + ports.get("customer");
        for (String module : MODULES) {
            for (String name : instancesOf(module)) {
                List<String> arguments = new ArrayList<>(
                        links == null
                                ? common
                                : common.stream()
                                        .filter(a -> !a.startsWith("--spring.datasource.url="))
                                        .toList());
                if (links != null) {
                    arguments.add("--spring.datasource.url=" + links.jdbcUrl(name));
                }
                arguments.addAll(List.of(
                        "--spring.profiles.active=distributed",
                        "--orderflow.modules=" + module,
                        "--server.port=" + ports.get(name),
                        "--spring.rabbitmq.host=127.0.0.1",
                        "--spring.rabbitmq.port=" + (links == null ? rabbit.port() : links.brokerPort(name)),
                        "--spring.rabbitmq.username=guest",
                        "--spring.rabbitmq.password=guest",
                        "--orderflow.messaging.rabbitmq.namespace=" + namespace,
                        // no discovery server: the keys straight from the customer process
                        "--eureka.client.enabled=false",
                        "--spring.cloud.discovery.enabled=false",
                        "--orderflow.security.jwks-uri=" + customer + "/.well-known/jwks.json",
                        // the product cache in the process (one catalog instance), not in the shared Redis
                        "--orderflow.catalog.cache.redis-url=",
                        // eight processes on a cluster of max_connections 60
                        "--spring.datasource.hikari.maximum-pool-size=5",
                        // no access line per placement: eight JVMs share two cores
                        "--logging.level.orderflow.access=WARN"));
                Path dir = logs.resolve(name);
                Files.createDirectories(dir);
                AppProcess process = new AppProcess(jar, jvmOptions, arguments, ports.get(name), dir);
                ChaosControls controls = new ChaosControls(process.url(), customer + "/api/auth/token", operatorSecret);
                members.put(name, new Member(name, module, process, controls));
            }
        }
    }

    Member member(String name) {
        Member m = members.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no process named " + name + " (" + members.keySet() + ")");
        }
        return m;
    }

    /** The order process: the load's entry. */
    AppProcess order() {
        return member("order").process();
    }

    /** The processes' own proxies to the database and the broker; null when they connect directly. */
    ModuleLinks links() {
        return links;
    }

    Map<String, Member> members() {
        return members;
    }

    /**
     * The processes a target names: one instance ({@code payment-2}) or every process of a module ({@code payment}).
     */
    List<Member> target(String target) {
        if (members.containsKey(target)) {
            return List.of(members.get(target));
        }
        List<Member> of =
                members.values().stream().filter(m -> m.module().equals(target)).toList();
        if (of.isEmpty()) {
            throw new IllegalArgumentException("no process or module named " + target);
        }
        return of;
    }

    /**
     * Starts the RabbitMQ node, then the first instance of every module at once (each migrates its own schema), then
     * the second payment instance; waits for each one's health check. Then reads which runtime faults each offers.
     */
    void start() throws IOException {
        rabbit.start(Duration.ofSeconds(120));
        List<Member> first = new ArrayList<>();
        List<Member> more = new ArrayList<>();
        for (Member m : members.values()) {
            (m.name().equals(instancesOf(m.module()).get(0)) ? first : more).add(m);
        }
        startAll(first);
        startAll(more);
        for (Member m : members.values()) {
            Set<String> names = new TreeSet<>();
            for (JsonNode fault : m.controls().list()) {
                names.add(fault.path("name").asString());
            }
            faults.put(m.name(), names);
        }
    }

    /** Starts the members in parallel (one thread each) and waits until every one is healthy. */
    private void startAll(List<Member> group) throws IOException {
        Map<String, Throwable> failed = new TreeMap<>();
        List<Thread> threads = new ArrayList<>();
        for (Member m : group) {
            Thread t = new Thread(
                    () -> {
                        try {
                            m.process().start(List.of(), startTimeout);
                        } catch (IOException | RuntimeException e) {
                            synchronized (failed) {
                                failed.put(m.name(), e);
                            }
                        }
                    },
                    "chaos-start-" + m.name());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join(startTimeout.plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the processes started", e);
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not start " + failed);
        }
    }

    /** SIGKILL of every process the target names. */
    void kill(String target) throws IOException {
        for (Member m : target(target)) {
            m.process().kill();
        }
    }

    /** Starts again every process the target names that does not run (after {@link #kill}). */
    void restart(String target) throws IOException {
        List<Member> down =
                target(target).stream().filter(m -> m.process().pid() < 0).toList();
        startAll(down);
    }

    void pause(String target) throws IOException {
        for (Member m : target(target)) {
            m.process().pause();
        }
    }

    void resume(String target) throws IOException {
        for (Member m : target(target)) {
            m.process().resume();
        }
    }

    /** The chaos controls of every process that offers {@code fault}, by process name. */
    Map<String, ChaosControls> controlsFor(String fault) {
        Map<String, ChaosControls> with = new LinkedHashMap<>();
        members.values().stream()
                .filter(m -> faults.getOrDefault(m.name(), Set.of()).contains(fault))
                .forEach(m -> with.put(m.name(), m.controls()));
        if (with.isEmpty()) {
            throw new IllegalStateException("no process offers the runtime fault " + fault + " (" + faults + ")");
        }
        return with;
    }

    /** The chaos controls (and dead-letter API) of the first process of {@code module}. */
    ChaosControls controlsOf(String module) {
        return target(module).get(0).controls();
    }

    /** {@code app <pid>} per running process, {@code rabbit <pid> <directory>} for the node: for the script's trap. */
    String pidLines() {
        StringBuilder lines = new StringBuilder();
        for (Member m : members.values()) {
            lines.append("app ")
                    .append(m.process().pid())
                    .append(' ')
                    .append(m.name())
                    .append('\n');
        }
        lines.append("rabbit ")
                .append(rabbit.pid())
                .append(' ')
                .append(rabbit.directory())
                .append('\n');
        return lines.toString();
    }

    /**
     * Messages on the run's queues ({@code <namespace>.<module>} and its {@code .retry}), ready or delivered and not
     * yet acknowledged; the processes' own exclusive broadcast queues are left out.
     */
    Map<String, Long> queueDepths() throws IOException {
        Map<String, Long> depths = new TreeMap<>();
        rabbit.queueDepths(namespace + ".").forEach((queue, depth) -> {
            if (!queue.startsWith(namespace + ".broadcast.")) {
                depths.put(queue, depth);
            }
        });
        return depths;
    }

    /**
     * The checker's drain ({@link InvariantChecker#inFlight()}: outboxes, open orders, held stock and money) plus the
     * run's RabbitMQ queues, asked only once the database shows nothing in flight: all zero twice in a row.
     */
    boolean awaitDrained(InvariantChecker checker, Duration deadline, Consumer<Map<String, Long>> progress) {
        return checker.awaitDrained(deadline, progress, this::rabbitQueued);
    }

    /** The run's RabbitMQ messages in all, or -1 while the node does not answer (not drained). */
    private Map<String, Long> rabbitQueued() {
        long queued;
        try {
            queued = queueDepths().values().stream().mapToLong(Long::longValue).sum();
        } catch (IOException e) {
            queued = -1;
        }
        return Map.of("rabbitmq_queued", queued);
    }

    /** Stops every process (SIGTERM, all at once; SIGKILL after 30 s), then the RabbitMQ node. Never throws. */
    void stop() {
        List<Thread> threads = new ArrayList<>();
        for (Member m : members.values()) {
            Thread t = new Thread(m.process()::stop, "chaos-stop-" + m.name());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(70).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rabbit.destroy();
        if (links != null) {
            links.close();
        }
    }
}
