package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dead letters on the PostgreSQL queue transport; also serves the operations page. */
class DeadLetterPostgresIntegrationTest extends DeadLetterScenarios {

    static String databaseUrl;
    static RunningApp app;

    @BeforeAll
    static void start() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        Map<String, String> properties = new HashMap<>(PROPERTIES);
        properties.putAll(Map.of(
                "orderflow.database.mode", "external",
                "orderflow.transport", "postgres",
                "spring.datasource.url", databaseUrl,
                "spring.datasource.username", TestInfrastructure.PG_USER,
                "spring.datasource.password", TestInfrastructure.PG_PASSWORD));
        app = RunningApp.start(properties);
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

    @Test
    void servesTheOperationsPage() {
        DeadLetterApi http = new DeadLetterApi(app.baseUrl());
        DeadLetterApi.Response page = http.get("/ops/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).contains("text/html");
        assertThat(http.get("/ops").status()).isIn(200, 302);
        assertThat(http.get("/ops/ops.js").status()).isEqualTo(200);
        assertThat(http.get("/ops/ops.css").status()).isEqualTo(200);
    }
}
