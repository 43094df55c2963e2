package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dead letters on the PostgreSQL queue transport; also serves the operations page. */
class DeadLetterPostgresIntegrationTest extends DeadLetterScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(PROPERTIES);

    @Override
    RunningApp app() {
        return local.app();
    }

    @Test
    void servesTheOperationsPage() {
        DeadLetterApi http = new DeadLetterApi(app().baseUrl());
        DeadLetterApi.Response page = http.get("/ops/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).contains("text/html");
        assertThat(http.get("/ops").status()).isIn(200, 302);
        assertThat(http.get("/ops/main.js").status()).isEqualTo(200);
        assertThat(http.get("/ops/main.js").contentType()).startsWith("text/javascript");
        assertThat(http.get("/shared/dom.js").status()).isEqualTo(200);
        assertThat(http.get("/ops/ops.css").status()).isEqualTo(200);
        assertThat(http.get("/shared/waterfall.css").status()).isEqualTo(200);
    }
}
