package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.util.ReflectionTestUtils;

/** The README's default: every module in one JVM on an embedded PostgreSQL, no broker process. */
class EmbeddedModeIntegrationTest extends OrderScenarios {

    static RunningApp app;
    static OrderApi api;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.embedded(Map.of(
                "orderflow.payment.provider.slow-card-latency",
                "5s",
                // a server setting of the operator's own, next to orderflow's defaults
                "orderflow.database.embedded.server-settings[work_mem]",
                "8MB"));
        api = new OrderApi(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theEmbeddedServerRunsWithTheConfiguredSettingsAndDurableCommits() {
        assertThat(show("work_mem")).isEqualTo("8MB");
        assertThat(show("fsync")).isEqualTo("on");
        assertThat(show("synchronous_commit")).isEqualTo("on");
    }

    @Test
    void theDatabaseStopsWithTheApplicationContextNotBesideIt() {
        EmbeddedPostgres postgres = app.bean(EmbeddedPostgres.class);

        // a shutdown hook of its own would stop the server at SIGTERM while the context's relays, consumers and
        // requests still use it; the context stops it after them, as its bean's destroy method
        assertThat(ReflectionTestUtils.getField(postgres, "registerShutdownHook"))
                .isEqualTo(false);
    }

    private static String show(String setting) {
        return app.jdbc()
                .sql("select current_setting(?)")
                .param(setting)
                .query(String.class)
                .single();
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
