package io.orderflow.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The distributed mode under test: the same jar started once per module ({@code orderflow.modules}, profile
 * {@code distributed}, RabbitMQ transport, or {@code distributed,redis} with {@code --transport redis}), the payment
 * module twice (competing consumers on its queue), each on a free port, on the harness's own PostgreSQL cluster and its
 * own RabbitMQ node (or Redis server, {@link HarnessTransport}), under a namespace of the run's own. No
 * gateway and no discovery: the load goes straight to the order process, and the other processes fetch the token keys
 * straight from the customer process ({@code orderflow.security.jwks-uri}); the chaos controls of each process are
 * called at its own port. Every process is started, killed, paused and stopped by PID.
 *
 * <p>With {@code --topology gateway} ({@link DistributedTopology}) the gateway runs in front and the order module
 * twice ({@code order-1}, {@code order-2}): the load goes through the gateway, which finds the instances in a static
 * list (Spring Cloud's simple discovery client, {@code spring.cloud.discovery.client.simple.instances.<module>}) and
 * routes round-robin over those whose readiness probe passes, so still no discovery process.
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

    /** The transport's server the harness runs: {@link #rabbit} or {@link #redis}. */
    final HarnessTransport transport;
    /** The RabbitMQ node; {@code null} on the Redis transport. */
    final HarnessRabbit rabbit;
    /** The Redis server; {@code null} on the RabbitMQ transport. */
    final HarnessRedis redis;

    final String namespace;
    /** The processes' own TCP proxies to the database and the broker ({@code partition-module}); null when direct. */
    private final ModuleLinks links;

    private final Duration startTimeout;
    private final DistributedTopology topology;

    /** The processes of a module in the direct topology. */
    static List<String> instancesOf(String module) {
        return DistributedTopology.DIRECT.instancesOf(module);
    }

    /**
     * @param common the settings every process gets (database, operator secret, chaos controls, ...); the module, its
     *     port, the transport ({@link HarnessTransport#appArguments}) and the customer process's key set are added here
     * @param links when not null, each process reaches the database and the broker through its own proxies: its
     *     {@code spring.datasource.url} and broker port are its proxies', whatever {@code common} says
     */
    DistributedDeployment(
            Path jar,
            List<String> jvmOptions,
            List<String> common,
            HarnessTransport transport,
            String namespace,
            String operatorSecret,
            Path logs,
            Duration startTimeout,
            DistributedTopology topology,
            ModuleLinks links)
            throws IOException {
        this.links = links;
        this.transport = transport;
        this.rabbit = transport instanceof HarnessRabbit r ? r : null;
        this.redis = transport instanceof HarnessRedis r ? r : null;
        this.namespace = namespace;
        this.startTimeout = startTimeout;
        this.topology = topology;
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String module : MODULES) {
            for (String name : topology.instancesOf(module)) {
                ports.put(name, Chaos.freePort());
            }
        }
        String customer = "http://127.0.0.1:" + ports.get("customer");
        for (String module : MODULES) {
            for (String name : topology.instancesOf(module)) {
                List<String> arguments = new ArrayList<>(
                        links == null
                                ? common
                                : common.stream()
                                        .filter(a -> !a.startsWith("--spring.datasource.url="))
                                        .toList());
                if (links != null) {
                    arguments.add("--spring.datasource.url=" + links.jdbcUrl(name));
                }
                arguments.addAll(
                        transport.appArguments(namespace, links == null ? transport.port() : links.brokerPort(name)));
                arguments.addAll(List.of(
                        "--orderflow.modules=" + module,
                        "--server.port=" + ports.get(name),
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
        if (topology.gateway()) {
            String name = DistributedTopology.GATEWAY_ROLE;
            int port = Chaos.freePort();
            Path dir = logs.resolve(name);
            Files.createDirectories(dir);
            AppProcess process = new AppProcess(jar, jvmOptions, gatewayArguments(common, port, ports), port, dir);
            ChaosControls controls = new ChaosControls(process.url(), customer + "/api/auth/token", operatorSecret);
            members.put(name, new Member(name, name, process, controls));
        }
    }

    /**
     * The gateway's settings: the common ones (no database or broker is opened in the gateway role), no Eureka, and
     * every module instance in the simple discovery client's static list, by module name, which the load balancer
     * health-checks ({@code /actuator/health/readiness} every 2 s, the distributed profile's) as it would Eureka's.
     */
    static List<String> gatewayArguments(List<String> common, int port, Map<String, Integer> ports) {
        List<String> arguments = new ArrayList<>(common);
        arguments.addAll(List.of(
                "--spring.profiles.active=distributed",
                "--orderflow.modules=" + DistributedTopology.GATEWAY_ROLE,
                "--server.port=" + port,
                "--eureka.client.enabled=false",
                "--spring.cloud.discovery.enabled=true",
                "--orderflow.security.jwks-uri=http://127.0.0.1:" + ports.get("customer") + "/.well-known/jwks.json",
                "--logging.level.orderflow.access=WARN"));
        Map<String, Integer> index = new TreeMap<>();
        ports.forEach((name, p) -> {
            String module = name.replaceFirst("-[0-9]+$", "");
            int i = index.merge(module, 1, Integer::sum) - 1;
            arguments.add("--spring.cloud.discovery.client.simple.instances." + module + "[" + i
                    + "].uri=http://127.0.0.1:" + p);
        });
        return List.copyOf(arguments);
    }

    Member member(String name) {
        Member m = members.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no process named " + name + " (" + members.keySet() + ")");
        }
        return m;
    }

    /** The order module's (first) process. */
    AppProcess order() {
        return target("order").get(0).process();
    }

    /** Where the load goes: the gateway, or (direct topology) the order process. */
    AppProcess entry() {
        return topology.gateway() ? member(DistributedTopology.GATEWAY_ROLE).process() : order();
    }

    DistributedTopology topology() {
        return topology;
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
     * Starts the transport's server (RabbitMQ node or Redis), then the first instance of every module at once (each
     * migrates its own schema), then the second instances, then the gateway if there is one (and waits until it routes
     * to the modules); waits for each one's health check. Then reads which runtime faults each module process offers.
     */
    void start() throws IOException {
        transport.start(Duration.ofSeconds(120));
        List<Member> first = new ArrayList<>();
        List<Member> more = new ArrayList<>();
        List<Member> edge = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.module().equals(DistributedTopology.GATEWAY_ROLE)) {
                edge.add(m);
            } else {
                (m.name().equals(topology.instancesOf(m.module()).get(0)) ? first : more).add(m);
            }
        }
        startAll(first);
        startAll(more);
        startAll(edge);
        awaitRouting();
        for (Member m : members.values()) {
            if (m.module().equals(DistributedTopology.GATEWAY_ROLE)) {
                continue; // no transport, no runtime faults
            }
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
        if (down.stream().anyMatch(m -> m.module().equals(DistributedTopology.GATEWAY_ROLE))) {
            awaitRouting();
        }
    }

    /**
     * Gateway topology: waits (at most the start timeout) until the gateway routes to the catalog and the order
     * module, i.e. answers neither 502 nor 503 for them: its load balancer has seen their readiness probes pass.
     */
    void awaitRouting() throws IOException {
        if (!topology.gateway()) {
            return;
        }
        String gateway = member(DistributedTopology.GATEWAY_ROLE).process().url();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        List<String> paths = List.of("/api/products", "/api/orders/" + UUID.randomUUID());
        while (true) {
            boolean routed = true;
            for (String path : paths) {
                int status;
                try {
                    status = http.send(
                                    HttpRequest.newBuilder(URI.create(gateway + path))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the gateway", e);
                }
                routed &= status > 0 && status != 502 && status != 503;
            }
            if (routed) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the gateway does not route to the modules within " + startTimeout.toSeconds()
                        + " s (see its log)");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the gateway", e);
            }
        }
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

    /**
     * {@code app <pid>} per running process, {@code rabbit <pid> <directory>} for the node (or {@code redis <pid>
     * <directory>} for the Redis server): for the script's trap.
     */
    String pidLines() {
        StringBuilder lines = new StringBuilder();
        for (Member m : members.values()) {
            lines.append("app ")
                    .append(m.process().pid())
                    .append(' ')
                    .append(m.name())
                    .append('\n');
        }
        lines.append(transport.pidLine()).append('\n');
        return lines.toString();
    }

    /**
     * What the run's namespace holds in flight on the transport ({@link HarnessTransport#inFlight}): on RabbitMQ the
     * run's queues ({@code <namespace>.<module>}, its {@code .retry} and the reorder fault's {@code .held}, ready or
     * delivered and not yet acknowledged, the processes' own broadcast queues left out); on Redis each stream's pending
     * and undelivered entries and each retry set's members.
     */
    Map<String, Long> queueDepths() throws IOException {
        return transport.inFlight(namespace);
    }

    /**
     * The checker's drain ({@link InvariantChecker#inFlight()}: outboxes, open orders, held stock and money) plus what
     * the transport holds for the run, asked only once the database shows nothing in flight: all zero twice in a row.
     */
    boolean awaitDrained(InvariantChecker checker, Duration deadline, Consumer<Map<String, Long>> progress) {
        return checker.awaitDrained(deadline, progress, this::transportQueued);
    }

    /**
     * The run's messages on the transport in all ({@code rabbitmq_queued} or {@code redis_in_flight}), or -1 while
     * the server does not answer (not drained).
     */
    private Map<String, Long> transportQueued() {
        long queued;
        try {
            queued = queueDepths().values().stream().mapToLong(Long::longValue).sum();
        } catch (IOException e) {
            queued = -1;
        }
        return Map.of(transport instanceof HarnessRedis ? "redis_in_flight" : "rabbitmq_queued", queued);
    }

    /** Stops every process (SIGTERM, all at once; SIGKILL after 30 s), then the transport's server. Never throws. */
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
        transport.destroy();
        if (links != null) {
            links.close();
        }
    }
}
