package io.orderflow.tools;

import java.io.IOException;

/**
 * What the chaos harness puts around the application for the faults that act from outside it: the TCP proxy between
 * the application and its database ({@code partition}) and libfaketime ({@code clock-skew}).
 */
final class ChaosSetup {

    private ChaosSetup() {}

    /**
     * The proxy the application reaches PostgreSQL through, in every iteration of every run (so whether a plan has a
     * partition does not change how the application starts or what is measured), unless {@code --db-proxy off}; a
     * plan with a partition needs it. The harness's own connections (checker, drain) go to PostgreSQL directly.
     */
    static TcpProxy dbProxy(Args args, ChaosPlan plan, int pgPort) throws IOException {
        String setting = args.get("db-proxy", "on");
        if (!setting.equals("on") && !setting.equals("off")) {
            throw new IllegalArgumentException("--db-proxy is on or off, not " + setting);
        }
        if (setting.equals("off")) {
            if (plan.steps().stream().anyMatch(s -> ChaosPlan.parts(s.fault()).contains("partition"))) {
                throw new IllegalArgumentException("the partition fault needs the database proxy (--db-proxy on)");
            }
            return null;
        }
        return new TcpProxy("127.0.0.1", pgPort);
    }

    /**
     * Distributed mode: each module process's own proxies to the database and the broker, in every run unless
     * {@code --db-proxy off} (then the processes connect directly, and a plan with {@code partition-module} is refused).
     */
    static ModuleLinks moduleLinks(Args args, ChaosPlan plan, DistributedTopology topology, int pgPort, int brokerPort)
            throws IOException {
        if (args.get("db-proxy", "on").equals("off")) {
            if (plan.steps().stream().anyMatch(s -> ChaosPlan.parts(s.fault()).contains("partition-module"))) {
                throw new IllegalArgumentException("the partition-module fault needs the proxies (--db-proxy on)");
            }
            return null;
        }
        return new ModuleLinks(ModuleLinks.processes(topology), pgPort, brokerPort);
    }

    /** Whether any iteration skews the clock: the application then runs under libfaketime from its first start. */
    static boolean needsFakeClock(ChaosPlan plan) {
        return plan.steps().stream()
                .anyMatch(s -> ChaosPlan.parts(s.fault()).contains("clock-skew")
                        || ChaosPlan.parts(s.fault()).contains("clock-skew-module"));
    }

    static String databaseUrl(HarnessPostgres postgres, TcpProxy proxy) {
        return proxy == null ? postgres.jdbcUrl() : "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/orderflow";
    }
}
