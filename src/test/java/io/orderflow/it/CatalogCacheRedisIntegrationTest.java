package io.orderflow.it;

import static io.orderflow.it.OrderApi.Orders.anOrder;
import static io.orderflow.it.OrderApi.Orders.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The catalog cache in the local Redis (127.0.0.1:6379) under a key prefix of this run's own: the listing and the
 * prices are kept there as JSON with the TTL, read from there instead of PostgreSQL, and the listing is right again as
 * soon as an order changed stock (the TTL is 10 minutes here, so only the eviction can make it so).
 */
class CatalogCacheRedisIntegrationTest {

    static final String PREFIX = "orderflow-it-" + UUID.randomUUID().toString().substring(0, 8);

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "orderflow.catalog.cache.redis-url",
            TestInfrastructure.REDIS_URL,
            "orderflow.catalog.cache.prefix",
            PREFIX,
            "orderflow.catalog.cache.ttl",
            "10m",
            "spring.datasource.hikari.maximum-pool-size",
            "8"));

    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;
    static RedisCommands<String, String> redis;
    static OrderApi api;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(TestInfrastructure.REDIS_URL);
        connection = client.connect();
        redis = connection.sync();
        api = new OrderApi(local.app().baseUrl());
    }

    @AfterAll
    static void cleanUp() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        TestInfrastructure.deleteRedisKeys(PREFIX);
    }

    @Test
    void keepsTheListingInRedisAsJsonWithTheTtlAndServesItFromThere() {
        awaitStockLevelsSettled();
        String key = PREFIX + ":catalog.products:all";
        // the first read may miss Redis while its connection is made (a fallback, not an error)
        Awaitility.await("the listing is kept in Redis")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/api/products").status() == 200 && redis.get(key) != null);
        assertThat(redis.get(key)).startsWith("[{").contains("\"sku\":\"PROD-001\"");
        assertThat(redis.pttl(key))
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());

        // changed behind the catalog's back: the listing comes from Redis, not from the table
        local.app()
                .jdbc()
                .sql("update catalog.product set description = 'changed in the table' where sku = 'PROD-004'")
                .update();
        assertThat(api.get("/api/products").body().toString()).doesNotContain("changed in the table");
        assertThat(Scrape.of(api.baseUrl()).value("cache_gets_total", "cache", "catalog.products", "result", "hit"))
                .isPositive();
    }

    @Test
    void pricesOrdersFromRedisAndListsTheNewStockAsSoonAsAnOrderTookIt() {
        int before = listedAvailable("PROD-003");

        String id = api.placeAccepted(anOrder(item("PROD-003", 2), "tok_visa", "US"));
        api.awaitStatus(id, "completed");

        String price = redis.get(PREFIX + ":catalog.prices:PROD-003");
        assertThat(price).contains("\"price\":79.99");
        assertThat(redis.pttl(PREFIX + ":catalog.prices:PROD-003")).isPositive();
        Awaitility.await("the listing shows the stock the order took")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> listedAvailable("PROD-003") == before - 2);
        assertThat(listedAvailable("PROD-003"))
                .isEqualTo(local.app()
                        .jdbc()
                        .sql("select available from catalog.product where sku = 'PROD-003'")
                        .query(Integer.class)
                        .single());
        assertThat(api.get("/api/health").body().path("catalog_cache").asString())
                .isEqualTo("UP");

        // repriced behind the catalog's back: orders are priced from Redis until the entry's TTL has run out
        local.app()
                .jdbc()
                .sql("update catalog.product set price = 89.99 where sku = 'PROD-003'")
                .update();
        String second = api.placeAccepted(
                anOrder("{\"sku\":\"PROD-003\",\"quantity\":1,\"unit_price\":79.99}", "tok_visa", "US"));
        assertThat(api.awaitStatus(second, "completed").path("total_amount").decimalValue())
                .isEqualByComparingTo("79.99");
    }

    /**
     * Nothing left that could evict the listing while a test reads it: every stock level the inventory changed has gone
     * to the catalog (the publisher sends them in batches, up to its linger after the order that changed them, ADR 0023)
     * and every message has been applied, for half a second on end (the eviction follows the catalog's commit).
     */
    static void awaitStockLevelsSettled() {
        // the checker's drain counts the stock levels not sent to the catalog yet, as well as messages under way
        Awaitility.await("stock levels sent to the catalog and applied")
                .during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Invariants.inFlight(local.app().jdbc(), true) == 0);
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
