package io.orderflow.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Order timelines in the README's default: every module in one JVM on an embedded PostgreSQL, the PostgreSQL queue
 * transport, and the catalog's validation answered in the placing transaction.
 */
class OrderTimelinePostgresIntegrationTest extends OrderTimelineScenarios {

    static RunningApp app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.embedded(PROPERTIES);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Override
    RunningApp app() {
        return app;
    }

    @Override
    boolean inlineValidation() {
        return true;
    }
}
