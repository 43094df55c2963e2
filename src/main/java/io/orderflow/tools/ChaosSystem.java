package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a nemesis acts on in embedded mode: the application process and the harness's own PostgreSQL. Every
 * process it starts is written to {@code pids} (for the script's trap) and stopped by {@link #stop()}.
 */
final class ChaosSystem {

    final AppProcess app;
    final HarnessPostgres postgres;
    final Duration startTimeout;
    /** The application's runtime chaos controls (the in-process faults: payment outage, duplicates, ...). */
    final ChaosControls controls;
    /** The distributed mode's module processes and RabbitMQ node; {@code null} in embedded mode. */
    final DistributedDeployment deployment;

    /** The poison messages injected in this run, by module: the dead letters the checker must find, and only these. */
    private final Map<String, Set<UUID>> poison = new TreeMap<>();

    /** The TCP proxy the application reaches PostgreSQL through (the {@code partition} fault); null when direct. */
    TcpProxy dbProxy;
    /** The application's libfaketime clock (the {@code clock-skew} fault); null when it runs on the real clock. */
    FakeClock clock;
    /** Distributed mode: each module process's libfaketime clock ({@code clock-skew-module}); null when real. */
    ModuleClocks moduleClocks;

    private final Path pids;
    private final AtomicBoolean stopped = new AtomicBoolean();

    ChaosSystem(AppProcess app, HarnessPostgres postgres, Duration startTimeout, Path pids, ChaosControls controls) {
        this(app, postgres, startTimeout, pids, controls, null);
    }

    /** Distributed mode: {@code app} and {@code controls} are the order process's (the load's entry). */
    ChaosSystem(
            AppProcess app,
            HarnessPostgres postgres,
            Duration startTimeout,
            Path pids,
            ChaosControls controls,
            DistributedDeployment deployment) {
        this.deployment = deployment;
        this.app = app;
        this.controls = controls;
        this.postgres = postgres;
        this.startTimeout = startTimeout;
        this.pids = pids;
    }

    synchronized void poisonInjected(String module, Collection<UUID> messageIds) {
        poison.computeIfAbsent(module, m -> new LinkedHashSet<>()).addAll(messageIds);
    }

    /** Every poison message injected in this run so far, by module. */
    synchronized Map<String, Set<UUID>> poison() {
        Map<String, Set<UUID>> copy = new TreeMap<>();
        poison.forEach((module, ids) -> copy.put(module, Set.copyOf(ids)));
        return copy;
    }

    /**
     * The chaos controls of every process that offers the runtime {@code fault}, by process name: the application in
     * embedded mode; in distributed mode e.g. every payment instance for {@code payment-outage}.
     */
    Map<String, ChaosControls> controlsFor(String fault) {
        return deployment == null ? Map.of("app", controls) : deployment.controlsFor(fault);
    }

    /** The chaos controls and dead-letter API of the process that runs {@code module}. */
    ChaosControls controlsOf(String module) {
        return deployment == null ? controls : deployment.controlsOf(module);
    }

    /** (Re)starts the application with this start's extra arguments. */
    void startApp(List<String> extra) throws IOException {
        app.start(extra, startTimeout);
        recordPids();
    }

    void startPostgres() throws IOException {
        postgres.start();
        recordPids();
    }

    /**
     * {@code app <pid>} (one line per process in distributed mode, and {@code rabbit <pid> <dir>} for its node) and
     * {@code postgres <pid> <data dir>}: what is running now.
     */
    void recordPids() throws IOException {
        Files.writeString(
                pids,
                (deployment == null ? "app " + app.pid() + "\n" : deployment.pidLines()) + "postgres " + postgres.pid()
                        + " " + postgres.dataDir() + "\n" + "cluster " + postgres.directory() + "\n");
    }

    /** Stops the application, then the database, and removes the cluster. For the shutdown hook too. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (deployment == null) {
            app.stop();
        } else {
            deployment.stop();
        }
        if (dbProxy != null) {
            dbProxy.close();
        }
        postgres.destroy();
        try {
            Files.deleteIfExists(pids);
        } catch (IOException e) {
            System.err.println("chaos: could not remove " + pids + ": " + e.getMessage());
        }
    }
}
