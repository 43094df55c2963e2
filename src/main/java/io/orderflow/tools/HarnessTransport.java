package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The message transport the distributed mode's processes share, run by the harness itself: a RabbitMQ node
 * ({@link HarnessRabbit}, the default) or a Redis server ({@link HarnessRedis}, {@code --transport redis}). Started
 * and stopped by PID; what it holds in flight is counted by the drain, and a leftover after it is a violation.
 */
interface HarnessTransport {

    /** {@code rabbitmq} or {@code redis}: the value of {@code --transport}. */
    String name();

    /** Starts it and returns once it answers (a restart after a crash included: same directory, same port). */
    void start(Duration timeout) throws IOException;

    /** The crash: SIGKILL of the server, nothing closed or written on the way out; returns once it is gone. */
    void crash() throws IOException;

    /** The PID of the server process; -1 when it does not run. */
    long pid();

    Path directory();

    /** The port it listens on (127.0.0.1). */
    int port();

    /** The settings a module process gets to use it: profiles, address, and the run's namespace or key prefix. */
    default List<String> appArguments(String namespace) {
        return appArguments(namespace, port());
    }

    /**
     * The same, with the server reached at {@code port} on 127.0.0.1: its own, or a process's proxy to it
     * ({@link ModuleLinks}).
     */
    List<String> appArguments(String namespace, int port);

    /** The {@code pids} file's line for the script's trap: {@code <kind> <pid> <directory>}. */
    String pidLine();

    /**
     * What the run's namespace holds in flight, by queue or key: messages not yet delivered, delivered and not yet
     * acknowledged, or waiting for a retry. Throws when the server does not answer.
     */
    Map<String, Long> inFlight(String namespace) throws IOException;

    /** For the console and the report: which server, where. */
    String describe();

    /** Stops it, keeps its log, removes its directory. Never throws: it runs in the shutdown hook. */
    void destroy();
}
