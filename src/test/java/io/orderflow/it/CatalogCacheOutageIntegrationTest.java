package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The catalog cache in a Redis of the test's own, stopped mid-test: product reads and orders still get the right
 * answers from PostgreSQL, health says the cache is DEGRADED (the service is up and ready), and the fallbacks are
 * counted; started again, the breaker closes and the cache is used again.
 */
class CatalogCacheOutageIntegrationTest {

    static LocalRedis redis;
    static String databaseUrl;
    static RunningApp app;
    static OrderApi api;

    @BeforeAll
    static void start() throws Exception {
        redis = new LocalRedis().start();
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
        Map<String, String> properties = new HashMap<>(TestInfrastructure.externalDatabase(databaseUrl));
        properties.putAll(Map.of(
                "orderflow.catalog.cache.redis-url",
                redis.url(),
                "orderflow.catalog.cache.ttl",
                "10m",
                "spring.datasource.hikari.maximum-pool-size",
                "8",
                // the breaker lets probes through soon after it opened, so the test sees it close
                "resilience4j.circuitbreaker.instances.catalog-cache.wait-duration-in-open-state",
                "1s"));
        app = RunningApp.start(properties);
        api = new OrderApi(app.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (databaseUrl != null) {
            TestInfrastructure.dropDatabase(databaseUrl);
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void readsAndOrdersGoOnFromPostgresWhileRedisIsDownAndTheCacheReturnsWithIt() throws Exception {
        // the first read may miss Redis while its connection is made (a fallback, not an error)
        Awaitility.await("the listing is kept in Redis")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> listedAvailable("PROD-002") > 0 && cached("orderflow:catalog.products:all"));
        int before = listedAvailable("PROD-002");
        assertThat(api.get("/api/health").body().path("catalog_cache").asString())
                .isEqualTo("UP");

        redis.stop();

        String id = api.placeAccepted(anOrder(item("PROD-002", 3), "tok_visa", "US"));
        JsonNode order = api.awaitStatus(id, "completed");
        assertThat(order.path("total_amount").decimalValue()).isEqualByComparingTo("89.97");
        Awaitility.await("the listing shows the stock the order took, from PostgreSQL")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> listedAvailable("PROD-002") == before - 3);
        Awaitility.await("the cache reported DEGRADED")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    listedAvailable("PROD-002");
                    return "DEGRADED"
                            .equals(api.get("/api/health")
                                    .body()
                                    .path("catalog_cache")
                                    .asString());
                });
        OrderApi.Response health = api.get("/api/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asString()).isEqualTo("UP");
        JsonNode actuator = api.get("/actuator/health").body();
        assertThat(actuator.path("components")
                        .path("catalogCache")
                        .path("status")
                        .asString())
                .isEqualTo("DEGRADED");
        assertThat(actuator.path("components")
                        .path("catalogCache")
                        .path("details")
                        .path("store")
                        .asString())
                .isEqualTo("redis");
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(Scrape.of(app.baseUrl()).value("orderflow_catalog_cache_fallbacks_total"))
                .isPositive();

        redis.start();

        Awaitility.await("the breaker closed and the cache answers again")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    listedAvailable("PROD-002");
                    return "UP"
                            .equals(api.get("/api/health")
                                    .body()
                                    .path("catalog_cache")
                                    .asString());
                });
        assertThat(listedAvailable("PROD-002")).isEqualTo(before - 3);
        assertThat(cached("orderflow:catalog.products:all")).isTrue();
        double fallbacks = Scrape.of(app.baseUrl()).value("orderflow_catalog_cache_fallbacks_total");
        assertThat(listedAvailable("PROD-002")).isEqualTo(before - 3);
        assertThat(Scrape.of(app.baseUrl()).value("orderflow_catalog_cache_fallbacks_total"))
                .isEqualTo(fallbacks);
    }

    static boolean cached(String key) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().exists(key) == 1;
        } finally {
            client.shutdown();
        }
    }

    static int listedAvailable(String sku) {
        for (JsonNode product : api.get("/api/products").body()) {
            if (product.path("sku").asString().equals(sku)) {
                return product.path("available").asInt();
            }
        }
        throw new AssertionError(sku + " is not listed");
    }
}
