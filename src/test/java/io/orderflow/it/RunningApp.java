package io.orderflow.it;

import io.orderflow.OrderflowApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;

/** One orderflow instance started in this JVM, as `java -jar` would start it, on a free port. */
public final class RunningApp implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private Path embeddedDataDir;

    private RunningApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** The embedded default, on a fresh data directory that is deleted again on close. */
    public static RunningApp embedded(Map<String, String> properties, Class<?>... extraSources) throws IOException {
        Path dataDir = Files.createTempDirectory("orderflow-embedded-it");
        Map<String, String> all = new HashMap<>(properties);
        all.put("orderflow.database.embedded.data-dir", dataDir.toString());
        try {
            RunningApp app = start(all, extraSources);
            app.embeddedDataDir = dataDir;
            return app;
        } catch (RuntimeException e) {
            FileSystemUtils.deleteRecursively(dataDir);
            throw e;
        }
    }

    static RunningApp start(Map<String, String> properties) {
        return start(properties, new Class<?>[0]);
    }

    /** Starts with extra configuration classes (test instrumentation) next to the application's own. */
    static RunningApp start(Map<String, String> properties, Class<?>... extraSources) {
        List<String> args = new ArrayList<>();
        if (!properties.containsKey("server.port")) {
            args.add("--server.port=0");
        }
        args.add("--spring.main.banner-mode=off");
        args.add("--logging.level.io.orderflow=WARN");
        Map<String, String> all = new HashMap<>(properties);
        // nothing has a default password: every test app's operator client gets the tests' secret
        all.putIfAbsent("orderflow.security.operator.client-secret", TestTokens.OPERATOR_SECRET);
        // a pool opens connections as it needs them rather than all at start: two test JVMs run at once, each with
        // applications whose pools together would pass the local PostgreSQL's default of 100 connections
        all.putIfAbsent("spring.datasource.hikari.minimum-idle", "1");
        // admission control is exercised by its own test; the scenarios must not be refused for load they make
        all.putIfAbsent("orderflow.admission.enabled", "false");
        // the scenarios place hundreds of orders from one address; the rate-limit tests set their own limits
        for (String routeClass : List.of("sign-in", "register", "place-order", "reads", "writes")) {
            all.putIfAbsent("orderflow.rate-limit.classes." + routeClass + ".capacity", "1000000");
        }
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new RunningApp(new SpringApplicationBuilder(OrderflowApplication.class)
                .sources(extraSources)
                .run(args.toArray(String[]::new)));
    }

    /** Distributed mode: this instance runs {@code modules} against the shared database and broker. */
    static RunningApp distributed(String modules, String databaseUrl, String namespace, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "spring.profiles.active",
                "distributed",
                "orderflow.modules",
                modules,
                "spring.datasource.url",
                databaseUrl,
                "spring.datasource.username",
                TestInfrastructure.PG_USER,
                "spring.datasource.password",
                TestInfrastructure.PG_PASSWORD,
                "spring.datasource.hikari.maximum-pool-size",
                "8",
                "spring.rabbitmq.host",
                TestInfrastructure.RABBIT_HOST,
                "spring.rabbitmq.port",
                TestInfrastructure.RABBIT_PORT,
                "orderflow.messaging.rabbitmq.namespace",
                namespace));
        // these contexts find each other by URL, not through a discovery server (see
        // DistributedDeploymentIntegrationTest)
        properties.put("eureka.client.enabled", "false");
        properties.put("spring.cloud.discovery.enabled", "false");
        // the distributed profile caches products in the shared Redis: under this run's own keys
        properties.put("orderflow.catalog.cache.prefix", namespace);
        // no discovery to find the catalog by: new orders are priced by message unless a test names the catalog
        properties.put("orderflow.saga.catalog-url", "");
        properties.putAll(extra);
        return start(properties);
    }

    /**
     * Distributed mode on the Redis Streams transport (profiles {@code distributed,redis}): this instance runs
     * {@code modules} against the shared database and the local Redis, its keys under {@code prefix}.
     */
    static RunningApp distributedOnRedis(String modules, String databaseUrl, String prefix, Map<String, String> extra) {
        Map<String, String> redis = new HashMap<>(Map.of(
                "spring.profiles.active",
                "distributed,redis",
                "orderflow.redis.url",
                TestInfrastructure.REDIS_URL,
                "orderflow.redis.prefix",
                prefix));
        redis.putAll(extra);
        // the prefix names the catalog cache's keys too (and the RabbitMQ namespace, unused on this transport)
        return distributed(modules, databaseUrl, prefix, redis);
    }

    public String baseUrl() {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public JdbcClient jdbc() {
        return context.getBean(JdbcClient.class);
    }

    @Override
    public void close() {
        String baseUrl = baseUrl();
        context.close();
        TestTokens.forget(baseUrl);
        if (embeddedDataDir != null) {
            try {
                FileSystemUtils.deleteRecursively(embeddedDataDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
