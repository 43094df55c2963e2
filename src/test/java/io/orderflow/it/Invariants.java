package io.orderflow.it;

import io.orderflow.tools.InvariantChecker;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The system's promises, checked against every module's own data once the load has drained, by the same
 * invariant checker the benchmark and {@code java -jar orderflow.jar check} run (io.orderflow.tools).
 */
final class Invariants {

    /** The migrations' demo stock: the baseline for stock conservation. */
    static final Map<String, Long> INITIAL_STOCK =
            Map.of("PROD-001", 1_000_000L, "PROD-002", 1_000_000L, "PROD-003", 1_000_000L, "PROD-004", 0L);

    private Invariants() {}

    /** Messages still on their way: compensations may be in flight until this is zero. */
    static long inFlight(JdbcClient jdbc, boolean postgresBroker) {
        return new InvariantChecker(jdbc)
                .inFlight().entrySet().stream()
                        .filter(e -> postgresBroker || !e.getKey().equals("broker_queue"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
    }

    static List<String> violations(JdbcClient jdbc) {
        return new InvariantChecker(jdbc).check(INITIAL_STOCK).messages();
    }
}
