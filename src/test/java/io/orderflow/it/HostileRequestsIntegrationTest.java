package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several hundred requests an attacker or a broken client sends: walks over other people's ids, broken and forged
 * authentication, fields a client may not set, SQL and header injection, NUL bytes and broken Unicode in every
 * string field, fractional and huge numbers, oversized, deeply nested and slow bodies. Every one gets a 4xx;
 * none gets a 5xx, and none gets through.
 */
class HostileRequestsIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            // slow bodies are cut off after this long (the default is longer)
            "server.tomcat.connection-timeout", "2s"));

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One hostile request: what it tries, and how to send it (returns the status the server answered). */
    record Hostile(String name, Callable<Integer> send) {}

    static String base;
    static int port;
    static String tokenA;
    static String tokenB;
    static String operator;
    static String customerA;
    static List<String> ordersOfA = new ArrayList<>();
    /** An order of A's placed by the seeds' clients' path, {@code POST /orders}. */
    static String seedOrderOfA;

    @BeforeAll
    static void victims() throws Exception {
        base = local.app().baseUrl();
        port = URI.create(base).getPort();
        String emailA = "victim-" + System.nanoTime() + "@example.com";
        customerA = TestTokens.register(base, emailA, "Victim").path("id").asString();
        tokenA = TestTokens.customer(base, emailA);
        tokenB = TestTokens.newCustomer(base, "Attacker");
        operator = TestTokens.operator(base);
        OrderApi alice = OrderApi.withToken(base, tokenA);
        for (int i = 0; i < 10; i++) {
            ordersOfA.add(alice.placeAccepted(
                    "{\"customer_email\":\"" + emailA + "\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}"));
        }
        seedOrderOfA = OrderApi.JSON
                .readTree(post(
                                "/orders",
                                "{\"customer_email\":\"" + emailA
                                        + "\",\"items\":[{\"product_id\":\"PROD-002\",\"quantity\":1}]}",
                                tokenA)
                        .body())
                .path("id")
                .asString();
    }

    static List<Hostile> corpus() {
        List<Hostile> corpus = new ArrayList<>();
        bolaWalks(corpus);
        brokenAuthentication(corpus);
        massAssignment(corpus);
        badTextInEveryStringField(corpus);
        badNumbers(corpus);
        injection(corpus);
        badBodies(corpus);
        passwordGuessing(corpus);
        seedClients(corpus);
        return corpus;
    }

    @Test
    void sendsAtLeastThreeHundredHostileRequests() {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(300);
    }

    @TestFactory
    Stream<DynamicTest> answersEveryHostileRequestWithA4xx() {
        return corpus().stream()
                .map(h -> DynamicTest.dynamicTest(h.name(), () -> {
                    int status = h.send().call();
                    assertThat(status).as(h.name()).isBetween(400, 499);
                }));
    }

    // --------------------------------------------------------------------------------------------------------

    private static void bolaWalks(List<Hostile> corpus) {
        for (String id : ordersOfA) {
            corpus.add(
                    new Hostile("customer B reads A's order " + id, () -> expect404(get("/api/orders/" + id, tokenB))));
            corpus.add(new Hostile(
                    "customer B cancels A's order " + id,
                    () -> expect404(post("/api/orders/" + id + "/cancel", null, tokenB))));
            corpus.add(new Hostile("a guest reads A's order " + id, () -> expect404(get("/api/orders/" + id, null))));
        }
        for (int i = 0; i < 60; i++) {
            String guess = UUID.randomUUID().toString();
            corpus.add(new Hostile("guessing order id " + guess, () -> expect404(get("/api/orders/" + guess, tokenB))));
        }
        for (int i = 1; i <= 30; i++) {
            String guess = "order-" + i;
            corpus.add(
                    new Hostile("walking order ids: " + guess, () -> expect404(get("/api/orders/" + guess, tokenB))));
        }
        corpus.add(new Hostile(
                "customer B reads A's account", () -> expect404(get("/api/customers/" + customerA, tokenB))));
        for (int i = 0; i < 9; i++) {
            String guess = UUID.randomUUID().toString();
            corpus.add(new Hostile(
                    "guessing customer id " + guess, () -> expect404(get("/api/customers/" + guess, tokenB))));
        }
    }

    private static void brokenAuthentication(List<Hostile> corpus) {
        ForgedTokens forged = ForgedTokens.from(local.app().jdbc());
        List<String> op = List.of("operator");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("bare Bearer", "Bearer");
        headers.put("Bearer and a space", "Bearer ");
        headers.put("not a JWT", "Bearer abc");
        headers.put("three empty parts", "Bearer ..");
        headers.put("garbage parts", "Bearer a.b.c");
        headers.put("8 KiB of token", "Bearer " + "A".repeat(8192));
        headers.put("Basic credentials", "Basic dXNlcjpwYXNz");
        headers.put("token with trailing garbage", "Bearer " + tokenA + "x");
        headers.put("expired", "Bearer " + forged.expired("operator", op));
        headers.put("signed by another key", "Bearer " + forged.wrongSignature("operator", op));
        headers.put("alg none", "Bearer " + forged.unsigned("operator", op));
        headers.put("wrong audience", "Bearer " + forged.wrongAudience("operator", op));
        headers.put("wrong issuer", "Bearer " + forged.wrongIssuer("operator", op));
        headers.put("HS256 over the public key", "Bearer " + forged.algorithmConfusion("operator", op));
        headers.put("customer token edited into operator", "Bearer " + forged.tampered(tokenA));
        headers.forEach((what, header) -> {
            corpus.add(new Hostile("list all orders with " + what, () -> sendRaw("GET", "/api/orders", null, header)));
            corpus.add(new Hostile(
                    "read my account with " + what, () -> sendRaw("GET", "/api/customers/me", null, header)));
            corpus.add(new Hostile(
                    "place an order with " + what,
                    () -> sendRaw("POST", "/api/orders", order("\"sku\":\"PROD-001\",\"quantity\":1"), header)));
        });
        corpus.add(new Hostile(
                "customer token on the operator API",
                () -> get("/api/dead-letters", tokenB).statusCode()));
        corpus.add(new Hostile(
                "customer token on an order timeline",
                () -> get("/api/orders/" + ordersOfA.get(0) + "/timeline", tokenA)
                        .statusCode()));
        corpus.add(new Hostile(
                "customer token on metrics",
                () -> get("/actuator/prometheus", tokenB).statusCode()));
        corpus.add(new Hostile(
                "customer token rotating keys",
                () -> post("/api/auth/keys/rotate", null, tokenB).statusCode()));
    }

    private static void massAssignment(List<Hostile> corpus) {
        for (String extra : List.of(
                "\"status\":\"completed\"",
                "\"total_amount\":0.01",
                "\"version\":7",
                "\"customer_id\":\"" + customerA + "\"",
                "\"id\":\"mine\"",
                "\"payment_id\":\"ch_x\"",
                "\"tracking_number\":\"TRK1\"",
                "\"order_token\":\"x\"",
                "\"failure_reason\":\"x\"",
                "\"created_at\":\"2020-01-01T00:00:00Z\"")) {
            corpus.add(new Hostile(
                    "order sets " + extra,
                    () -> post(
                                    "/api/orders",
                                    "{\"customer_email\":\"m@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}],"
                                            + extra + "}",
                                    tokenB)
                            .statusCode()));
        }
        corpus.add(new Hostile(
                "order item sets its line total",
                () -> post("/api/orders", order("\"sku\":\"PROD-001\",\"quantity\":1,\"line_total\":0.01"), tokenB)
                        .statusCode()));
        for (String extra : List.of(
                "\"roles\":[\"operator\"]",
                "\"id\":\"" + customerA + "\"",
                "\"password_hash\":\"{noop}x\"",
                "\"created_at\":\"2020-01-01T00:00:00Z\"")) {
            corpus.add(new Hostile(
                    "registration sets " + extra,
                    () -> post(
                                    "/api/customers",
                                    "{\"email\":\"m"
                                            + UUID.randomUUID() + "@example.com\",\"password\":\"" + TestTokens.PASSWORD
                                            + "\",\"name\":\"M\"," + extra + "}",
                                    null)
                            .statusCode()));
        }
        corpus.add(new Hostile(
                "sign-in asks for roles",
                () -> post(
                                "/api/auth/token",
                                "{\"email\":\"x@example.com\",\"password\":\"y\",\"roles\":[\"operator\"]}",
                                null)
                        .statusCode()));
    }

    /** NUL, a control character and a lone surrogate, in every string field of every body. */
    private static void badTextInEveryStringField(List<Hostile> corpus) {
        List<String> bad = List.of("\\u0000", "\\u0007", "\\ud800");
        for (String b : bad) {
            String v = "PROD" + b + "1";
            Map<String, String> orders = new LinkedHashMap<>();
            orders.put(
                    "order_id",
                    "{\"order_id\":\"" + v + "\"," + orderFields("\"sku\":\"PROD-001\",\"quantity\":1") + "}");
            orders.put(
                    "customer_email",
                    "{\"customer_email\":\"a" + b
                            + "@example.com\",\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}]}");
            orders.put("items[0].sku", order("\"sku\":\"" + v + "\",\"quantity\":1"));
            orders.put("items[0].product_id", order("\"product_id\":\"" + v + "\",\"quantity\":1"));
            orders.put(
                    "payment.card_token",
                    "{" + orderFields("\"sku\":\"PROD-001\",\"quantity\":1") + ",\"payment\":{\"card_token\":\"tok" + b
                            + "\"}}");
            for (String field : List.of("name", "line1", "city", "postal_code", "country")) {
                orders.put(
                        "shipping_address." + field,
                        "{" + orderFields("\"sku\":\"PROD-001\",\"quantity\":1")
                                + ",\"shipping_address\":{\"country\":\"US\",\"" + field + "\":\"x" + b
                                + "\"}}".replace(",\"country\":\"x" + b + "\"", ""));
            }
            orders.forEach((field, body) -> corpus.add(new Hostile(
                    "order " + field + " with " + b,
                    () -> post("/api/orders", body, tokenB).statusCode())));
            for (String field : List.of("email", "password", "name")) {
                Map<String, String> values = new HashMap<>(Map.of(
                        "email",
                        "n" + UUID.randomUUID() + "@example.com",
                        "password",
                        TestTokens.PASSWORD,
                        "name",
                        "N"));
                values.put(field, values.get(field) + b);
                corpus.add(new Hostile(
                        "registration " + field + " with " + b,
                        () -> post(
                                        "/api/customers",
                                        "{\"email\":\"" + values.get("email") + "\",\"password\":\""
                                                + values.get("password") + "\",\"name\":\"" + values.get("name")
                                                + "\"}",
                                        null)
                                .statusCode()));
            }
            for (String field : List.of("email", "password")) {
                String body = field.equals("email")
                        ? "{\"email\":\"x" + b + "@example.com\",\"password\":\"p\"}"
                        : "{\"email\":\"x@example.com\",\"password\":\"p" + b + "\"}";
                corpus.add(new Hostile(
                        "sign-in " + field + " with " + b,
                        () -> post("/api/auth/token", body, null).statusCode()));
            }
            corpus.add(new Hostile(
                    "dead-letter discard reason with " + b,
                    () -> post("/api/dead-letters/order/1/discard", "{\"reason\":\"r" + b + "\"}", operator)
                            .statusCode()));
        }
        for (String param : List.of("status", "customer_email", "page", "size")) {
            corpus.add(new Hostile(
                    "list filter " + param + " with NUL",
                    () -> get("/api/orders?" + param + "=%00", operator).statusCode()));
            corpus.add(new Hostile(
                    "list filter " + param + " with a line break",
                    () -> get("/api/orders?" + param + "=a%0d%0aX-Injected:1", operator)
                            .statusCode()));
        }
        for (String param : List.of("module", "type", "order_id", "status", "parked_after")) {
            corpus.add(new Hostile(
                    "dead-letter filter " + param + " with NUL",
                    () -> get("/api/dead-letters?" + param + "=a%00", operator).statusCode()));
        }
        for (String limit : List.of("0", "-1", "201", "abc", "1e9", "%00")) {
            corpus.add(new Hostile(
                    "mailbox limit " + limit,
                    () -> get("/api/notifications?limit=" + limit, operator).statusCode()));
        }
        corpus.add(new Hostile(
                "order id with NUL in the path",
                () -> get("/api/orders/a%00b", tokenB).statusCode()));
        corpus.add(new Hostile(
                "order id with a line break in the path",
                () -> get("/api/orders/a%0a", tokenB).statusCode()));
        corpus.add(new Hostile(
                "order id with invalid UTF-8 in the path",
                () -> get("/api/orders/%C3%28", tokenB).statusCode()));
        for (byte[] broken : List.of(
                new byte[] {(byte) 0xC3, 0x28},
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
            corpus.add(new Hostile(
                    "body with invalid UTF-8 " + HexFormat.of().formatHex(broken),
                    () -> postBytes(
                            "/api/orders",
                            withBytes(
                                    "{\"customer_email\":\"a@example.com\",\"items\":[{\"sku\":\"",
                                    broken,
                                    "\",\"quantity\":1}]}"))));
        }
    }

    private static void badNumbers(List<Hostile> corpus) {
        for (String quantity : List.of(
                "1.5",
                "0.5",
                "-1",
                "0",
                "1001",
                "1e3",
                "99999999999999999999",
                "1E400",
                "\"many\"",
                "true",
                "null",
                "[1]")) {
            corpus.add(new Hostile(
                    "quantity " + quantity,
                    () -> post("/api/orders", order("\"sku\":\"PROD-001\",\"quantity\":" + quantity), tokenB)
                            .statusCode()));
        }
        for (String price : List.of("1e400", "-1", "0", "0.001", "12345678901.00", "\"abc\"", "true", "NaN")) {
            corpus.add(new Hostile(
                    "unit price " + price,
                    () -> post(
                                    "/api/orders",
                                    order("\"sku\":\"PROD-001\",\"quantity\":1,\"unit_price\":" + price),
                                    tokenB)
                            .statusCode()));
        }
        for (String query : List.of(
                "size=0",
                "size=201",
                "size=-5",
                "size=1e9",
                "page=-1",
                "page=abc",
                "size=99999999999999999999",
                "page=100001")) {
            corpus.add(new Hostile(
                    "paging " + query,
                    () -> get("/api/orders?" + query, operator).statusCode()));
            corpus.add(new Hostile(
                    "my orders paging " + query,
                    () -> get("/api/customers/me/orders?" + query, tokenB).statusCode()));
        }
    }

    private static void injection(List<Hostile> corpus) {
        for (String sql : List.of(
                "' OR '1'='1",
                "1; DROP TABLE orders.purchase_order; --",
                "\" OR \"\"=\"",
                "x' UNION SELECT customer_email FROM orders.purchase_order --")) {
            String encoded = URLEncoder.encode(sql, StandardCharsets.UTF_8).replace("+", "%20");
            corpus.add(new Hostile(
                    "SQL in the order id path: " + sql,
                    () -> get("/api/orders/" + encoded, tokenB).statusCode()));
            corpus.add(new Hostile(
                    "SQL in the status filter: " + sql,
                    () -> get("/api/customers/me/orders?status=" + encoded, tokenB)
                            .statusCode()));
            corpus.add(new Hostile(
                    "SQL in the SKU: " + sql,
                    () -> post(
                                    "/api/orders",
                                    order("\"sku\":\"" + sql.replace("\"", "\\\"") + "\",\"quantity\":1"),
                                    tokenB)
                            .statusCode()));
            corpus.add(new Hostile(
                    "SQL in the client order id: " + sql,
                    () -> post(
                                    "/api/orders",
                                    "{\"order_id\":\"" + sql.replace("\"", "\\\"") + "\","
                                            + orderFields("\"sku\":\"PROD-001\",\"quantity\":1") + "}",
                                    tokenB)
                            .statusCode()));
            corpus.add(new Hostile(
                    "SQL in the dead-letter module: " + sql,
                    () -> get("/api/dead-letters/" + encoded + "/1", operator).statusCode()));
            corpus.add(new Hostile(
                    "SQL in the timeline's order id: " + sql,
                    () -> get("/api/orders/" + encoded + "/timeline", operator).statusCode()));
        }
        // header injection: values that would split a header or smuggle one, sent byte for byte
        corpus.add(new Hostile(
                "NUL in a header value", () -> raw("GET /api/products HTTP/1.1\r\nHost: x\r\nX-Test: a\0b\r\n\r\n")));
        corpus.add(new Hostile(
                "bare CR in a header value",
                () -> raw("GET /api/products HTTP/1.1\r\nHost: x\r\nX-Test: a\rb\r\n\r\n")));
        corpus.add(
                new Hostile("NUL in the request line", () -> raw("GET /api/pro\0ducts HTTP/1.1\r\nHost: x\r\n\r\n")));
        corpus.add(new Hostile(
                "space before the colon", () -> raw("GET /api/products HTTP/1.1\r\nHost: x\r\nX-Test : a\r\n\r\n")));
        corpus.add(new Hostile(
                "two Content-Length headers",
                () -> raw("POST /api/orders HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")));
        corpus.add(
                new Hostile(
                        "Content-Length and chunked together",
                        () -> raw(
                                "POST /api/orders HTTP/1.1\r\nHost: x\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")));
        corpus.add(
                new Hostile(
                        "Idempotency-Key with a control character",
                        () -> raw(
                                "POST /api/orders HTTP/1.1\r\nHost: x\r\n"
                                        + "Content-Type: application/json\r\nIdempotency-Key: k\u0001ey\r\nContent-Length: 2\r\n\r\n{}")));
        corpus.add(new Hostile(
                "Order-Token with NUL",
                () -> raw("GET /api/orders/x HTTP/1.1\r\nHost: x\r\nOrder-Token: a\0\r\n\r\n")));
        corpus.add(new Hostile(
                "order id with CRLF (would reach the Location header)",
                () -> post(
                                "/api/orders",
                                "{\"order_id\":\"x\\r\\nSet-Cookie: a=b\","
                                        + orderFields("\"sku\":\"PROD-001\",\"quantity\":1") + "}",
                                tokenB)
                        .statusCode()));
        corpus.add(new Hostile(
                "Idempotency-Key of 300 characters",
                () -> sendRaw(
                        "POST",
                        "/api/orders",
                        order("\"sku\":\"PROD-001\",\"quantity\":1"),
                        null,
                        "Idempotency-Key",
                        "k".repeat(300))));
    }

    private static void badBodies(List<Hostile> corpus) {
        corpus.add(new Hostile(
                "70 KiB body",
                () -> post(
                                "/api/orders",
                                "{\"customer_email\":\"" + "a".repeat(70 * 1024) + "@example.com\",\"items\":[]}",
                                tokenB)
                        .statusCode()));
        corpus.add(new Hostile(
                "declared 100 MB body",
                () -> raw("POST /api/orders HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{")));
        corpus.add(new Hostile(
                "arrays nested 2000 deep",
                () -> post("/api/orders", "{\"items\":" + "[".repeat(2000) + "]".repeat(2000) + "}", tokenB)
                        .statusCode()));
        corpus.add(new Hostile(
                "objects nested 2000 deep",
                () -> post("/api/orders", "{\"a\":".repeat(2000) + "1" + "}".repeat(2000), tokenB)
                        .statusCode()));
        corpus.add(new Hostile(
                "an e-mail address of 60 KiB",
                () -> post(
                                "/api/customers",
                                "{\"email\":\"" + "a".repeat(60 * 1024) + "@example.com\",\"password\":\""
                                        + TestTokens.PASSWORD + "\",\"name\":\"x\"}",
                                null)
                        .statusCode()));
        corpus.add(new Hostile(
                "not JSON",
                () -> post("/api/orders", "customer_email=a", tokenB).statusCode()));
        corpus.add(new Hostile(
                "JSON cut short",
                () -> post("/api/orders", "{\"customer_email\":", tokenB).statusCode()));
        corpus.add(new Hostile(
                "a JSON array instead of an object",
                () -> post("/api/orders", "[]", tokenB).statusCode()));
        corpus.add(new Hostile(
                "text/plain body", () -> sendRaw("POST", "/api/orders", "{}", null, "Content-Type", "text/plain")));
        corpus.add(new Hostile(
                "XML body",
                () -> sendRaw("POST", "/api/customers", "<customer/>", null, "Content-Type", "application/xml")));
        corpus.add(new Hostile("slow order body (stalls after 10 of 200 bytes)", () -> slow("/api/orders")));
        corpus.add(new Hostile("slow sign-in body (stalls after 10 of 200 bytes)", () -> slow("/api/auth/token")));
        corpus.add(new Hostile(
                "DELETE an order as a customer",
                () -> sendRaw("DELETE", "/api/orders/" + ordersOfA.get(0), null, "Bearer " + tokenA)));
        corpus.add(new Hostile(
                "PUT the product list as the operator",
                () -> sendRaw("PUT", "/api/products", "[]", "Bearer " + operator)));
    }

    private static void passwordGuessing(List<Hostile> corpus) {
        String victim = "guessed-" + System.nanoTime() + "@example.com";
        TestTokens.register(local.app().baseUrl() == null ? base : local.app().baseUrl(), victim, "Guessed");
        for (int i = 0; i < 8; i++) {
            String guess = "guess-" + i + "-password";
            // wrong passwords: 401, then locked: 429; never a token
            corpus.add(new Hostile(
                    "guessing a password (" + guess + ")",
                    () -> post("/api/auth/token", "{\"email\":\"" + victim + "\",\"password\":\"" + guess + "\"}", null)
                            .statusCode()));
        }
    }

    /**
     * The seeds' clients' paths ({@code POST /orders}, {@code GET /orders/{id}}) accept the fields those clients add,
     * but nothing else gets through: the same text, number, body and ownership rules as {@code /api/orders}.
     */
    private static void seedClients(List<Hostile> corpus) {
        String item = "\"items\":[{\"sku\":\"PROD-001\",\"quantity\":1}]";
        for (String bad : List.of("a\\u0000b", "a\\u001bb", "\\ud800")) {
            corpus.add(new Hostile(
                    "seed 004 customer_id " + bad,
                    () -> post("/orders", "{\"order_id\":\"h-1\",\"customer_id\":\"" + bad + "\"," + item + "}", null)
                            .statusCode()));
            corpus.add(new Hostile(
                    "seed 001 customer_email " + bad,
                    () -> post("/orders", "{\"customer_email\":\"" + bad + "@example.com\"," + item + "}", null)
                            .statusCode()));
        }
        for (String id : List.of("x' or '1'='1", "a/b", "../x", "a b", "a".repeat(65), "")) {
            corpus.add(new Hostile(
                    "seed 004 order_id \"" + id + "\"",
                    () -> post("/orders", "{\"order_id\":\"" + id + "\",\"customer_id\":\"c\"," + item + "}", null)
                            .statusCode()));
        }
        for (String sku : List.of("PROD-001'; drop table orders.purchase_order; --", "<script>", "a".repeat(65))) {
            corpus.add(new Hostile(
                    "seed 001 product_id " + sku.substring(0, Math.min(20, sku.length())),
                    () -> post(
                                    "/orders",
                                    "{\"customer_email\":\"h@example.com\",\"items\":[{\"product_id\":\"" + sku
                                            + "\",\"quantity\":1}]}",
                                    null)
                            .statusCode()));
        }
        for (String quantity : List.of("1.5", "-1", "0", "1001", "1e3", "\"many\"", "null", "[1]")) {
            corpus.add(new Hostile(
                    "seed 003 quantity " + quantity,
                    () -> post("/orders", "{\"user_id\":1,\"product_id\":1,\"quantity\":" + quantity + "}", null)
                            .statusCode()));
        }
        for (String price : List.of("1e400", "1e-400", "-1", "\"abc\"", "true", "NaN")) {
            corpus.add(new Hostile(
                    "seed 001 price " + price,
                    () -> post(
                                    "/orders",
                                    "{\"customer_email\":\"h@example.com\",\"items\":[{\"product_id\":\"PROD-001\","
                                            + "\"quantity\":1,\"price\":" + price + "}]}",
                                    null)
                            .statusCode()));
        }
        for (String product : List.of("0", "-1", "1.5", "{}", "[1]", "\"a b\"", "99999999999")) {
            corpus.add(new Hostile(
                    "seed 003 product_id " + product,
                    () -> post("/orders", "{\"user_id\":1,\"product_id\":" + product + ",\"quantity\":1}", null)
                            .statusCode()));
        }
        corpus.add(new Hostile(
                "seed 003 user_id -1",
                () -> post("/orders", "{\"user_id\":-1,\"product_id\":1,\"quantity\":1}", null)
                        .statusCode()));
        corpus.add(new Hostile(
                "seed body in no seed's words",
                () -> post("/orders", "{\"status\":\"completed\",\"total_amount\":0}", null)
                        .statusCode()));
        corpus.add(new Hostile(
                "seed bodies of two seeds at once",
                () -> post("/orders", "{\"customer_email\":\"h@example.com\",\"user_id\":1," + item + "}", null)
                        .statusCode()));
        corpus.add(new Hostile(
                "70 KiB seed body",
                () -> post("/orders", "{\"customer_id\":\"" + "a".repeat(70 * 1024) + "\"}", null)
                        .statusCode()));
        corpus.add(new Hostile(
                "seed body nested 2000 deep",
                () -> post("/orders", "{\"items\":" + "[".repeat(2000) + "]".repeat(2000) + "}", null)
                        .statusCode()));
        corpus.add(new Hostile(
                "seed body not JSON", () -> post("/orders", "order_id=1", null).statusCode()));
        corpus.add(new Hostile(
                "seed body a JSON array", () -> post("/orders", "[]", null).statusCode()));
        corpus.add(new Hostile(
                "seed body as text/plain", () -> sendRaw("POST", "/orders", "{}", null, "Content-Type", "text/plain")));
        corpus.add(new Hostile(
                "seed order id with NUL in the path",
                () -> get("/orders/a%00b", null).statusCode()));
        corpus.add(new Hostile(
                "seed order path walking up",
                () -> get("/orders/..%2f..%2fapi%2fhealth", null).statusCode()));
        corpus.add(new Hostile(
                "a guest reads A's order at the seeds' path", () -> expect404(get("/orders/" + seedOrderOfA, null))));
        corpus.add(new Hostile(
                "customer B reads A's order at the seeds' path",
                () -> expect404(get("/orders/" + seedOrderOfA, tokenB))));
        corpus.add(new Hostile(
                "reading orderflow's own order at the seeds' path",
                () -> expect404(get("/orders/" + ordersOfA.get(0), null))));
        for (int i = 1; i <= 5; i++) {
            String guess = "ord-00" + i;
            corpus.add(
                    new Hostile("walking seed order ids: " + guess, () -> expect404(get("/orders/" + guess, tokenB))));
        }
    }

    // --------------------------------------------------------------------------------------------------------

    private static int expect404(HttpResponse<String> response) {
        // not 403: whether the order exists is nobody else's business
        return response.statusCode() == 404 ? 404 : 200 + response.statusCode() % 100;
    }

    static String orderFields(String item) {
        return "\"customer_email\":\"h@example.com\",\"items\":[{" + item + "}]";
    }

    static String order(String item) {
        return "{" + orderFields(item) + "}";
    }

    static byte[] withBytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int postBytes(String path, byte[] body) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + tokenB)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** A request with an Authorization header as given (possibly malformed), and optionally one more header. */
    static int sendRaw(String method, String path, String body, String authorization, String... header)
            throws IOException, InterruptedException {
        StringBuilder request =
                new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (authorization != null) {
            request.append("Authorization: ").append(authorization).append("\r\n");
        }
        boolean typed = false;
        for (int i = 0; i + 1 < header.length; i += 2) {
            request.append(header[i]).append(": ").append(header[i + 1]).append("\r\n");
            typed |= header[i].equalsIgnoreCase("Content-Type");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null && !typed) {
            request.append("Content-Type: application/json\r\n");
        }
        request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        return raw(request.toString() + (body == null ? "" : body));
    }

    /** Sends bytes as given and reads the status code of the answer. */
    static int raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return status(socket.getInputStream());
        }
    }

    /** Declares 200 bytes, sends 10, then waits: the server must give up with a 4xx, not wait for ever. */
    static int slow(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path
                            + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                            + "{\"email\":")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return status(socket.getInputStream());
        }
    }

    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        String[] parts = line.toString().split(" ");
        if (parts.length < 2) {
            throw new IOException("no status line, the server said: '" + line + "'");
        }
        return Integer.parseInt(parts[1]);
    }
}
