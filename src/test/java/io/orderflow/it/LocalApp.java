package io.orderflow.it;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One orderflow process with every module, on the local services and a database (and RabbitMQ namespace or
 * Redis key prefix) of its own, for one test class:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LocalApp local = LocalApp.onPostgresTransport(Map.of(...));
 * </pre>
 */
public final class LocalApp implements BeforeAllCallback, AfterAllCallback {

    private enum Broker {
        POSTGRES,
        RABBITMQ,
        REDIS
    }

    private final Broker broker;
    private final Map<String, String> properties;
    private RunningApp app;
    private String databaseUrl;
    private String namespace;
    private String redisPrefix;

    private LocalApp(Broker broker, Map<String, String> properties) {
        this.broker = broker;
        this.properties = properties;
    }

    /** The PostgreSQL queue transport on the local PostgreSQL server (external database mode). */
    public static LocalApp onPostgresTransport(Map<String, String> properties) {
        return new LocalApp(Broker.POSTGRES, properties);
    }

    /** The RabbitMQ transport (distributed profile) with every module in this one process. */
    static LocalApp onRabbitMq(Map<String, String> properties) {
        return new LocalApp(Broker.RABBITMQ, properties);
    }

    /**
     * The Redis Streams transport (profiles {@code distributed,redis}) with every module in this one process, on
     * the local Redis under a key prefix of its own; {@code orderflow.redis.url} in {@code properties} names another.
     */
    static LocalApp onRedis(Map<String, String> properties) {
        return new LocalApp(Broker.REDIS, properties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        Map<String, String> all = new HashMap<>(properties);
        if (broker == Broker.RABBITMQ) {
            namespace = TestInfrastructure.newNamespace();
            all.putIfAbsent("spring.datasource.hikari.maximum-pool-size", "20");
            app = RunningApp.distributed("all", databaseUrl, namespace, all);
        } else if (broker == Broker.REDIS) {
            redisPrefix = TestInfrastructure.newNamespace();
            all.putIfAbsent("spring.profiles.active", "distributed,redis");
            all.putIfAbsent("orderflow.redis.url", TestInfrastructure.REDIS_URL);
            all.putIfAbsent("orderflow.redis.prefix", redisPrefix);
            all.putIfAbsent("spring.datasource.hikari.maximum-pool-size", "20");
            app = RunningApp.distributed("all", databaseUrl, redisPrefix, all);
        } else {
            all.putAll(TestInfrastructure.externalDatabase(databaseUrl));
            all.put("orderflow.transport", "postgres");
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
        if (redisPrefix != null && !properties.containsKey("orderflow.redis.url")) {
            TestInfrastructure.deleteRedisKeys(redisPrefix);
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    public RunningApp app() {
        return app;
    }

    /** The Redis key prefix of this app's streams (Redis transport only). */
    String redisPrefix() {
        return redisPrefix;
    }
}
