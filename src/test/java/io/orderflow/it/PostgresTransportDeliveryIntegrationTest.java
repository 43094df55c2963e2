package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL queue transport, here on the local PostgreSQL server (external database mode). */
class PostgresTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    static String databaseUrl;
    static RunningApp app;

    @BeforeAll
    static void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        app = RunningApp.start(Map.of(
                "orderflow.database.mode", "external",
                "orderflow.transport", "postgres",
                "spring.datasource.url", databaseUrl,
                "spring.datasource.username", TestInfrastructure.PG_USER,
                "spring.datasource.password", TestInfrastructure.PG_PASSWORD,
                "orderflow.payment.provider.slow-card-latency", "1500ms"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
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
