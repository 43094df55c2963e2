package io.orderflow.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Access tokens for the tests, obtained the way clients obtain them: the operator with client credentials
 * (the secret every test app is configured with), customers by registering and signing in.
 */
public final class TestTokens {

    /** The operator client's secret in every app the tests start (nothing has a default password). */
    public static final String OPERATOR_SECRET = "it-operator-secret-3b8f2c";

    public static final String PASSWORD = "a long enough test passphrase";

    private record Cached(String token, Instant expiresAt) {}

    private static final Map<String, Cached> OPERATOR_TOKENS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestTokens() {}

    /** An operator token from the token endpoint at {@code baseUrl} (cached until shortly before it expires). */
    public static String operator(String baseUrl) {
        Cached cached = OPERATOR_TOKENS.get(baseUrl);
        if (cached != null && cached.expiresAt().isAfter(Instant.now().plusSeconds(60))) {
            return cached.token();
        }
        JsonNode answer = post(
                baseUrl,
                "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=operator&client_secret=" + OPERATOR_SECRET,
                200);
        Cached fresh = new Cached(
                answer.path("access_token").asString(),
                Instant.now().plusSeconds(answer.path("expires_in").asLong()));
        OPERATOR_TOKENS.put(baseUrl, fresh);
        return fresh.token();
    }

    /**
     * Forgets the operator token cached for {@code baseUrl}: called when the app there stops, because the next app the
     * operating system gives the same port to signs with other keys and would answer the old token with 401.
     */
    public static void forget(String baseUrl) {
        OPERATOR_TOKENS.remove(baseUrl);
    }

    /** Registers a customer with {@link #PASSWORD}; returns the account. */
    public static JsonNode register(String baseUrl, String email, String name) {
        return post(
                baseUrl + "/api/customers",
                "application/json",
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"" + name + "\"}",
                201);
    }

    /** Signs a customer in; returns the access token. */
    public static String customer(String baseUrl, String email) {
        return post(baseUrl, "application/json", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", 200)
                .path("access_token")
                .asString();
    }

    /** Registers a new customer with a unique e-mail address and signs them in. */
    public static String newCustomer(String baseUrl, String name) {
        String email = name.toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        register(baseUrl, email, name);
        return customer(baseUrl, email);
    }

    private static JsonNode post(String url, String contentType, String body, int expected) {
        String target = url.endsWith("/api/customers") ? url : url + "/api/auth/token";
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(target))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", contentType)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new AssertionError(target + " answered " + response.statusCode() + ": " + response.body());
            }
            return OrderApi.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
