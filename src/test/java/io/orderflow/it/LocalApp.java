package io.orderflow.it;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One orderflow process with every module, on the local services and a database (and RabbitMQ namespace)
 * of its own, for one test class:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LocalApp local = LocalApp.onPostgresTransport(Map.of(...));
 * </pre>
 */
public final class LocalApp implements BeforeAllCallback, AfterAllCallback {

    private final boolean rabbitMq;
    private final Map<String, String> properties;
    private RunningApp app;
    private String databaseUrl;
    private String namespace;

    private LocalApp(boolean rabbitMq, Map<String, String> properties) {
        this.rabbitMq = rabbitMq;
        this.properties = properties;
    }

    /** The PostgreSQL queue transport on the local PostgreSQL server (external database mode). */
    public static LocalApp onPostgresTransport(Map<String, String> properties) {
        return new LocalApp(false, properties);
    }

    /** The RabbitMQ transport (distributed profile) with every module in this one process. */
    static LocalApp onRabbitMq(Map<String, String> properties) {
        return new LocalApp(true, properties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        Map<String, String> all = new HashMap<>(properties);
        if (rabbitMq) {
            namespace = TestInfrastructure.newNamespace();
            all.putIfAbsent("spring.datasource.hikari.maximum-pool-size", "20");
            app = RunningApp.distributed("all", databaseUrl, namespace, all);
        } else {
            all.putAll(Map.of(
                    "orderflow.database.mode",
                    "external",
                    "orderflow.transport",
                    "postgres",
                    "spring.datasource.url",
                    databaseUrl,
                    "spring.datasource.username",
                    TestInfrastructure.PG_USER,
                    "spring.datasource.password",
                    TestInfrastructure.PG_PASSWORD));
            app = RunningApp.start(all);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
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

    public RunningApp app() {
        return app;
    }
}
