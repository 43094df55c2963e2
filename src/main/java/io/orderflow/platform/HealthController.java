package io.orderflow.platform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A quick answer for people and scripts: is this process up, what does it run, can it reach its database, and is a
 * {@link DegradableDependency} (the catalog cache) being worked around ({@code DEGRADED}, still 200).
 */
@RestController
class HealthController {

    private final @Nullable JdbcClient jdbc;
    private final Environment environment;
    private final ObjectProvider<DegradableDependency> degradable;

    /** The gateway and the discovery server have no database: they answer for themselves only. */
    HealthController(
            ObjectProvider<JdbcClient> jdbc, Environment environment, ObjectProvider<DegradableDependency> degradable) {
        this.jdbc = jdbc.getIfAvailable();
        this.environment = environment;
        this.degradable = degradable;
    }

    @GetMapping("/api/health")
    ResponseEntity<Map<String, Object>> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean databaseUp = true;
        if (jdbc != null) {
            try {
                databaseUp = jdbc.sql("select 1").query(Integer.class).single() == 1;
            } catch (RuntimeException e) {
                databaseUp = false;
            }
        }
        body.put("status", databaseUp ? "UP" : "DOWN");
        body.put("database", jdbc == null ? "NONE" : databaseUp ? "UP" : "DOWN");
        body.put("database_mode", environment.getProperty("orderflow.database.mode", "embedded"));
        body.put("transport", environment.getProperty("orderflow.transport", "postgres"));
        body.put("modules", new TreeSet<>(Modules.from(environment).names()));
        for (DegradableDependency dependency : degradable.orderedStream().toList()) {
            body.put(dependency.healthKey(), dependency.available() ? "UP" : "DEGRADED");
        }
        return ResponseEntity.status(databaseUp ? 200 : 503).body(body);
    }
}
