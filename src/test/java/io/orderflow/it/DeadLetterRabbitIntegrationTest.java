package io.orderflow.it;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Dead letters on the RabbitMQ transport (every module in one process, so the test reaches every bean). */
class DeadLetterRabbitIntegrationTest extends DeadLetterScenarios {

    static String databaseUrl;
    static String namespace;
    static RunningApp app;

    @BeforeAll
    static void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        namespace = TestInfrastructure.newNamespace();
        Map<String, String> properties = new HashMap<>(PROPERTIES);
        properties.put("spring.datasource.hikari.maximum-pool-size", "20");
        app = RunningApp.distributed("all", databaseUrl, namespace, properties);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (namespace != null) {
            TestInfrastructure.deleteNamespace(namespace);
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    @Override
    RunningApp app() {
        return app;
    }
}
