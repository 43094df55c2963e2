package io.orderflow.it;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.orderflow.tools.BrokerNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The local PostgreSQL, RabbitMQ and Redis the integration tests use, addressed by environment variables so CI or a
 * developer can point them elsewhere. Every run gets its own database and RabbitMQ namespace (or Redis key
 * prefix), so leftovers
 * from an earlier or a parallel run cannot change a result.
 */
public final class TestInfrastructure {

    public static final String PG_URL = env("ORDERFLOW_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    public static final String PG_USER = env("ORDERFLOW_TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = env("ORDERFLOW_TEST_PG_PASSWORD", "");
    static final String RABBIT_HOST = env("ORDERFLOW_TEST_RABBIT_HOST", "127.0.0.1");
    static final String RABBIT_PORT = env("ORDERFLOW_TEST_RABBIT_PORT", "5672");
    static final String RABBIT_USER = env("ORDERFLOW_TEST_RABBIT_USER", "guest");
    static final String RABBIT_PASSWORD = env("ORDERFLOW_TEST_RABBIT_PASSWORD", "guest");
    static final String REDIS_URL = env("ORDERFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private TestInfrastructure() {}

    /** Creates a fresh database and returns its JDBC URL. */
    public static String createDatabase(String prefix) {
        String name =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // a generated identifier of [a-z0-9_] only; CREATE DATABASE cannot take a bound parameter
        admin("create database " + name);
        return databaseUrl(name);
    }

    public static void dropDatabase(String url) {
        String name = url.substring(url.lastIndexOf('/') + 1).split("\\?")[0];
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("unexpected database name " + name);
        }
        admin("drop database if exists " + name + " with (force)");
    }

    /** The settings that put an application on the database at {@code url} (an external database, not embedded). */
    static Map<String, String> externalDatabase(String url) {
        return Map.of(
                "orderflow.database.mode",
                "external",
                "spring.datasource.url",
                url,
                "spring.datasource.username",
                PG_USER,
                "spring.datasource.password",
                PG_PASSWORD);
    }

    /** A TCP port free on this machine now, for a server a test starts. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String databaseUrl(String name) {
        int slash = PG_URL.lastIndexOf('/');
        String rest = PG_URL.substring(slash + 1);
        int query = rest.indexOf('?');
        return PG_URL.substring(0, slash + 1) + name + (query >= 0 ? rest.substring(query) : "");
    }

    static String newNamespace() {
        return "orderflow-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Removes a test run's queues and exchanges from the broker, as the benchmark removes its run's. */
    static void deleteNamespace(String namespace) {
        try {
            BrokerNamespace.delete(rabbitUri(), namespace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test broker as an AMQP URI, credentials included. */
    public static String rabbitUri() {
        try {
            return new URI(
                            "amqp",
                            RABBIT_USER + ":" + RABBIT_PASSWORD,
                            RABBIT_HOST,
                            Integer.parseInt(RABBIT_PORT),
                            null,
                            null,
                            null)
                    .toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("not a broker address: " + RABBIT_HOST + ":" + RABBIT_PORT, e);
        }
    }

    /** Removes a test run's streams, retry sets and anything else under its key prefix from the shared Redis. */
    static void deleteRedisKeys(String prefix) {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            var redis = connection.sync();
            ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(500);
            KeyScanCursor<String> cursor = redis.scan(match);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    redis.unlink(cursor.getKeys().toArray(String[]::new));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = redis.scan(ScanCursor.of(cursor.getCursor()), match);
            }
        } finally {
            client.shutdown();
        }
    }

    public static CachingConnectionFactory rabbitConnectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory(RABBIT_HOST, Integer.parseInt(RABBIT_PORT));
        factory.setUsername(RABBIT_USER);
        factory.setPassword(RABBIT_PASSWORD);
        return factory;
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_URL + " refused: " + sql, e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
