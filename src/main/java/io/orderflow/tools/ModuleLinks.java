package io.orderflow.tools;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distributed mode: every module process reaches the database and the broker (the harness's RabbitMQ node or Redis
 * server) through {@link TcpProxy TCP
 * proxies} of the harness's own, one per process and port, in place in every run (so whether a plan has a partition
 * does not change where a process connects or what is measured). The {@code partition-module} nemesis blackholes one
 * process's proxy to one side ({@link #SIDES}), the others keep their links; the harness's own connections (checker,
 * drain, {@code rabbitmqctl}) go straight to the servers.
 */
final class ModuleLinks implements AutoCloseable {

    /** What one process can be cut from: its database or its broker (RabbitMQ or Redis, whichever the run has). */
    static final List<String> SIDES = List.of("postgres", "broker");

    private final Map<String, TcpProxy> database = new LinkedHashMap<>();
    private final Map<String, TcpProxy> broker = new LinkedHashMap<>();

    /** Opens two proxies per process: to PostgreSQL on {@code pgPort}, to the broker's listener on {@code brokerPort}. */
    ModuleLinks(List<String> processes, int pgPort, int brokerPort) throws IOException {
        try {
            for (String process : processes) {
                database.put(process, new TcpProxy("127.0.0.1", pgPort));
                broker.put(process, new TcpProxy("127.0.0.1", brokerPort));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Every module process of the direct topology by name ({@code payment-1}, ...). */
    static List<String> processes() {
        return processes(DistributedTopology.DIRECT);
    }

    /**
     * Every module process of {@code topology} by name ({@code order-1}, {@code payment-1}, ...): the partition's and
     * the clock skew's cards. The gateway has neither a database nor a broker, so no links.
     */
    static List<String> processes(DistributedTopology topology) {
        return DistributedDeployment.MODULES.stream()
                .flatMap(m -> topology.instancesOf(m).stream())
                .toList();
    }

    /** The database URL of {@code process}: its own proxy's port. */
    String jdbcUrl(String process) {
        return "jdbc:postgresql://127.0.0.1:" + proxy(process, "postgres").port() + "/orderflow";
    }

    /** The broker port of {@code process}: its own proxy's. */
    int brokerPort(String process) {
        return proxy(process, "broker").port();
    }

    /** The proxy between {@code process} and {@code side} ({@code postgres} or {@code broker}). */
    TcpProxy proxy(String process, String side) {
        Map<String, TcpProxy> of = switch (side) {
            case "postgres" -> database;
            case "broker" -> broker;
            default -> throw new IllegalArgumentException("side " + side + ": one of " + SIDES);
        };
        TcpProxy proxy = of.get(process);
        if (proxy == null) {
            throw new IllegalArgumentException("no link of a process named " + process + " (" + of.keySet() + ")");
        }
        return proxy;
    }

    /** The proxies' ports by process and side, for the run's record. */
    Map<String, Map<String, Integer>> ports() {
        Map<String, Map<String, Integer>> ports = new LinkedHashMap<>();
        database.forEach((process, proxy) -> ports.put(
                process,
                Map.of("postgres", proxy.port(), "broker", broker.get(process).port())));
        return ports;
    }

    @Override
    public void close() {
        database.values().forEach(TcpProxy::close);
        broker.values().forEach(TcpProxy::close);
    }
}
