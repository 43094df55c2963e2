package io.orderflow.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The peer's flow end to end over HTTP on a real PostgreSQL (127.0.0.1:5432 unless PGHOST/PGPORT say otherwise, a
 * database of its own): the four outcomes the comparison's load mixes, and the compensations each one needs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerFlowTest {

    static final String HOST = System.getenv().getOrDefault("PGHOST", "127.0.0.1");
    static final String PORT = System.getenv().getOrDefault("PGPORT", "5432");
    static final String DATABASE =
            "modulith_peer_test_" + UUID.randomUUID().toString().replace("-", "");

    /** Before the context starts, which a per-class test instance makes happen before any {@code @BeforeAll}. */
    static {
        try (Connection c = admin()) {
            c.createStatement().execute("create database " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database on " + HOST + ":" + PORT, e);
        }
    }

    /** The pool closes first, so that it does not outlive the database it points at. */
    @AfterAll
    void dropDatabase() throws SQLException {
        dataSource.close();
        try (Connection c = admin()) {
            c.createStatement().execute("drop database if exists " + DATABASE + " with (force)");
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", "postgres", "");
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://" + HOST + ":" + PORT + "/" + DATABASE);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    HikariDataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aHappyOrderIsPaidShippedAndMailed() throws Exception {
        String id = place("tok_visa", "US", false);
        awaitStatus(id, "completed");
        assertThat(stock(skuOf(id))).isEqualTo(998);
        assertThat(column("select status from payment where order_id = ?", id)).isEqualTo("charged");
        assertThat(column("select count(*)::text from shipment where order_id = ?", id))
                .isEqualTo("1");
        awaitEmail(id, "order_completed");
        assertThat(column("select string_agg(type, ',' order by id) from order_history where order_id = ?", id))
                .contains("order_placed", "stock_reserved", "payment_completed", "order_shipped");
    }

    @Test
    void aDeclinedCardReleasesTheStock() throws Exception {
        String id = place("tok_chargeDeclined", "US", false);
        awaitStatus(id, "failed");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "true"
                        .equals(column("select bool_and(released)::text from reservation where order_id = ?", id)));
        assertThat(column("select count(*)::text from payment where order_id = ?", id))
                .isEqualTo("0");
        awaitEmail(id, "order_failed: payment_declined");
    }

    @Test
    void aShippingFailureRefundsThePaymentAndReleasesTheStock() throws Exception {
        String id = place("tok_visa", "ZZ", false);
        awaitStatus(id, "failed");
        assertThat(column("select status from payment where order_id = ?", id)).isEqualTo("refunded");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "true"
                        .equals(column("select bool_and(released)::text from reservation where order_id = ?", id)));
        awaitEmail(id, "order_failed: shipping_failed");
    }

    @Test
    void anOrderWithoutStockFailsAndReservesNothing() throws Exception {
        String id = place("tok_visa", "US", true);
        awaitStatus(id, "failed");
        assertThat(column("select count(*)::text from reservation where order_id = ?", id))
                .isEqualTo("0");
        assertThat(column("select failure_reason from orders where id = ?", id)).isEqualTo("out_of_stock");
    }

    @Test
    void anUnknownSkuIsRefusedWith422AndNothingIsStored() throws Exception {
        String id = "peer-" + UUID.randomUUID();
        HttpResponse<String> r = post("{\"order_id\":\"" + id + "\",\"customer_email\":\"a@example.com\","
                + "\"items\":[{\"sku\":\"NOPE\",\"quantity\":1}],\"payment\":{\"card_token\":\"tok_visa\"}}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("NOPE");
        assertThat(column("select count(*)::text from orders where id = ?", id)).isEqualTo("0");
    }

    @Test
    void anUnknownOrderIsA404Problem() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/no-such-order"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("no-such-order");
    }

    @Test
    void everyPublicationIsCompletedOnceTheOrdersAreDone() throws Exception {
        String id = place("tok_visa", "US", false);
        awaitStatus(id, "completed");
        awaitEmail(id, "order_completed");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "0"
                        .equals(column(
                                "select count(*)::text from event_publication where completion_date is null and ? <> ''",
                                id)));
    }

    /** Places an order for 2 units of a product of its own (1,000 in stock), plus one of PROD-004 (none) if asked. */
    private String place(String card, String country, boolean outOfStock) throws Exception {
        String id = "peer-" + UUID.randomUUID();
        String sku = skuOf(id);
        jdbc.sql("insert into product (sku, name, price) values (?, 'Peer item', 12.50)")
                .param(sku)
                .update();
        jdbc.sql("insert into stock (sku, available) values (?, 1000)")
                .param(sku)
                .update();
        String items = "{\"sku\":\"" + sku + "\",\"quantity\":2}"
                + (outOfStock ? ",{\"sku\":\"PROD-004\",\"quantity\":1}" : "");
        HttpResponse<String> r = post(String.format(
                Locale.ROOT,
                "{\"order_id\":\"%s\",\"customer_email\":\"ada@example.com\",\"items\":[%s],"
                        + "\"payment\":{\"card_token\":\"%s\"},\"shipping_address\":{\"country\":\"%s\"}}",
                id,
                items,
                card,
                country));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return id;
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/" + id))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains("\"status\":\"" + status + "\""));
    }

    private void awaitEmail(String id, String kind) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kind.equals(column("select kind from email where order_id = ?", id)));
    }

    private static String skuOf(String orderId) {
        return "SKU-" + orderId;
    }

    private int stock(String sku) {
        return jdbc.sql("select available from stock where sku = ?")
                .param(sku)
                .query(Integer.class)
                .single();
    }

    private String column(String sql, String param) {
        return jdbc.sql(sql).param(param).query(String.class).optional().orElse(null);
    }
}
