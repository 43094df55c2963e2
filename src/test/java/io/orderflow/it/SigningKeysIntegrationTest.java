package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The signing keys live in the database: tokens outlive a restart, and a rotation makes a new key sign while
 * the old one keeps validating the tokens it signed, in this process and in a process that only knows the
 * public keys from the JWK set.
 */
class SigningKeysIntegrationTest {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static String databaseUrl;

    @BeforeAll
    static void database() {
        databaseUrl = TestInfrastructure.createDatabase("orderflow_it");
    }

    @AfterAll
    static void dropDatabase() {
        TestInfrastructure.dropDatabase(databaseUrl);
    }

    @Test
    void rotatesKeysWithoutInvalidatingIssuedTokensAndKeepsThemAcrossRestarts() throws Exception {
        String email = "keys-" + System.nanoTime() + "@example.com";
        String before;
        String after;
        String operatorAfter;
        try (RunningApp app = RunningApp.start(properties("all", null))) {
            TestTokens.register(app.baseUrl(), email, "Keys");
            before = TestTokens.customer(app.baseUrl(), email);
            String operator = TestTokens.operator(app.baseUrl());
            String oldKid = header(before).path("kid").asString();

            // a process without the customer module, validating with the public keys it fetches
            try (RunningApp catalog =
                    RunningApp.start(properties("catalog", app.baseUrl() + "/.well-known/jwks.json"))) {
                assertThat(status(catalog, "/api/dead-letters/counts", operator))
                        .isEqualTo(200);

                JsonNode rotated = OrderApi.JSON.readTree(
                        send(app, "POST", "/api/auth/keys/rotate", operator).body());
                String newKid = rotated.path("kid").asString();
                assertThat(newKid).isNotEqualTo(oldKid);
                assertThat(rotated.path("signing").asBoolean()).isTrue();

                after = TestTokens.customer(app.baseUrl(), email);
                operatorAfter = fresh(app);
                assertThat(header(after).path("kid").asString()).isEqualTo(newKid);
                JsonNode keySet = OrderApi.JSON.readTree(
                        send(app, "GET", "/.well-known/jwks.json", null).body());
                assertThat(keySet.path("keys"))
                        .extracting(k -> k.path("kid").asString())
                        .contains(oldKid, newKid);
                assertThat(keySet.path("keys").get(0).has("d"))
                        .as("no private part is published")
                        .isFalse();

                assertThat(status(app, "/api/customers/me", before)).isEqualTo(200);
                assertThat(status(app, "/api/customers/me", after)).isEqualTo(200);
                // the other process learns the new key when it first meets it
                assertThat(status(catalog, "/api/dead-letters/counts", operatorAfter))
                        .isEqualTo(200);
                assertThat(status(catalog, "/api/dead-letters/counts", operator))
                        .isEqualTo(200);
            }
        }
        try (RunningApp restarted = RunningApp.start(properties("all", null))) {
            assertThat(status(restarted, "/api/customers/me", before)).isEqualTo(200);
            assertThat(status(restarted, "/api/customers/me", after)).isEqualTo(200);
            assertThat(status(restarted, "/api/orders", operatorAfter)).isEqualTo(200);
        }
    }

    /** An operator token issued now (the cached one predates the rotation). */
    static String fresh(RunningApp app) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/auth/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&client_id=operator&client_secret="
                                        + TestTokens.OPERATOR_SECRET))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return OrderApi.JSON.readTree(response.body()).path("access_token").asString();
    }

    static Map<String, String> properties(String modules, String jwksUri) {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.externalDatabase(databaseUrl));
        properties.put("orderflow.modules", modules);
        if (jwksUri != null) {
            properties.put("orderflow.security.jwks-uri", jwksUri);
        }
        return properties;
    }

    static JsonNode header(String token) {
        return OrderApi.JSON.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0])));
    }

    static int status(RunningApp app, String path, String token) throws Exception {
        return send(app, "GET", path, token).statusCode();
    }

    static HttpResponse<String> send(RunningApp app, String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
