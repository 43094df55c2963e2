package io.orderflow.it;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The README's default: every module in one JVM on an embedded PostgreSQL, no broker process. */
class EmbeddedModeIntegrationTest extends OrderScenarios {

    static RunningApp app;
    static OrderApi api;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.embedded(Map.of("orderflow.payment.provider.slow-card-latency", "5s"));
        api = new OrderApi(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Override
    OrderApi api() {
        return api;
    }

    @Override
    JdbcClient database() {
        return app.jdbc();
    }

    @Override
    List<RunningApp> paymentApps() {
        return List.of(app);
    }

    @Override
    boolean postgresBroker() {
        return true;
    }
}
