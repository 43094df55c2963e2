package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Password guessing: after a few wrong passwords in a row the account is locked, even for the right password,
 * and for an address nobody registered the answers are the same, so the lockout reveals no account.
 */
class SignInLockoutIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of(
            "orderflow.security.sign-in.lockout-threshold", "3",
            // long enough that the attempts right after the locking one surely fall inside the lock
            "orderflow.security.sign-in.lockout-base", "5s"));

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void locksAnAccountAfterRepeatedWrongPasswordsAndOpensItAgainLater() throws Exception {
        String email = "locked-" + System.nanoTime() + "@example.com";
        TestTokens.register(base(), email, "Locked");

        for (int i = 0; i < 2; i++) {
            assertThat(signIn(email, "wrong password " + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> third = signIn(email, "wrong password 2");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(problem(third).path("type").asString()).endsWith("/sign-in-locked");
        HttpResponse<String> right = signIn(email, TestTokens.PASSWORD);
        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 5L);

        Awaitility.await("the lock expires")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> signIn(email, TestTokens.PASSWORD).statusCode() == 200);
        // a success resets the count: two more mistakes do not lock again
        assertThat(signIn(email, "wrong again 1").statusCode()).isEqualTo(401);
        assertThat(signIn(email, "wrong again 2").statusCode()).isEqualTo(401);
    }

    @Test
    void answersAnUnknownAddressExactlyLikeAWrongPassword() throws Exception {
        String registered = "known-" + System.nanoTime() + "@example.com";
        String unknown = "unknown-" + System.nanoTime() + "@example.com";
        TestTokens.register(base(), registered, "Known");

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> known = signIn(registered, "wrong password " + i);
            HttpResponse<String> nobody = signIn(unknown, "wrong password " + i);
            assertThat(nobody.statusCode()).isEqualTo(known.statusCode());
            JsonNode a = problem(known);
            JsonNode b = problem(nobody);
            assertThat(b.path("type")).isEqualTo(a.path("type"));
            assertThat(b.path("detail").asString().replaceAll("\\d+", "N"))
                    .isEqualTo(a.path("detail").asString().replaceAll("\\d+", "N"));
        }
    }

    static String base() {
        return local.app().baseUrl();
    }

    static JsonNode problem(HttpResponse<String> response) {
        return OrderApi.JSON.readTree(response.body());
    }

    static HttpResponse<String> signIn(String email, String password) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/api/auth/token"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
