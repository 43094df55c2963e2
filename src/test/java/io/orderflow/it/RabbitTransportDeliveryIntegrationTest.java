package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The RabbitMQ transport, with every module in one process so the test can reach every bean. */
class RabbitTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    static String databaseUrl;
    static String namespace;
    static RunningApp app;

    @BeforeAll
    static void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        namespace = TestInfrastructure.newNamespace();
        app = RunningApp.distributed("all", databaseUrl, namespace,
                Map.of("orderflow.payment.provider.slow-card-latency", "1500ms",
                        "spring.datasource.hikari.maximum-pool-size", "20"));
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
