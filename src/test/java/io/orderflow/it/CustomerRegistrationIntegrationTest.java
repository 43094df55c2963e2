package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Registration: the account, its rules, and the CustomerRegistered event the notification module welcomes. */
class CustomerRegistrationIntegrationTest {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(Map.of());

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void registersACustomerWhoIsWelcomedAndCanSignIn() throws Exception {
        String email = "Grace." + System.nanoTime() + "@Example.com";
        HttpResponse<String> created = register(email, TestTokens.PASSWORD, "Grace Hopper");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode account = OrderApi.JSON.readTree(created.body());
        assertThat(created.headers().firstValue("Location"))
                .hasValue("/api/customers/" + account.path("id").asString());
        assertThat(created.body())
                .doesNotContain(TestTokens.PASSWORD)
                .doesNotContain("argon2")
                .doesNotContain("hash");

        String token = TestTokens.customer(base(), email.toLowerCase(Locale.ROOT));
        JsonNode me = OrderApi.withToken(base(), token).get("/api/customers/me").body();
        assertThat(me.path("id").asString()).isEqualTo(account.path("id").asString());
        assertThat(me.path("name").asString()).isEqualTo("Grace Hopper");
        assertThat(local.app()
                        .jdbc()
                        .sql("select password_hash from customer.customer where id = ?::uuid")
                        .param(account.path("id").asString())
                        .query(String.class)
                        .single())
                .startsWith("{argon2}");

        OrderScenarios.awaitUntilAsserted(() -> assertThat(local.app()
                        .jdbc()
                        .sql("select subject from notification.notification where recipient = ? and order_id is null")
                        .param(email)
                        .query(String.class)
                        .list())
                .containsExactly("Welcome to orderflow, Grace Hopper"));
    }

    @Test
    void refusesASecondAccountForTheSameAddressInAnyCase() throws Exception {
        String email = "twice-" + System.nanoTime() + "@example.com";
        assertThat(register(email, TestTokens.PASSWORD, "First").statusCode()).isEqualTo(201);

        HttpResponse<String> again = register(email.toUpperCase(Locale.ROOT), TestTokens.PASSWORD, "Second");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("email-taken");
    }

    @Test
    void refusesShortCommonAndSelfNamedPasswordsNamingTheField() throws Exception {
        String localPart = "rosalind" + System.nanoTime();
        for (String password :
                new String[] {"short", "password123", "QwertyUiop", "aaaaaaaaaaaa", "my " + localPart + " password"}) {
            HttpResponse<String> refused = register(localPart + "@example.com", password, "N");
            assertThat(refused.statusCode()).as(password).isEqualTo(400);
            assertThat(OrderApi.JSON
                            .readTree(refused.body())
                            .path("errors")
                            .get(0)
                            .path("field")
                            .asString())
                    .isEqualTo("password");
        }
    }

    static String base() {
        return local.app().baseUrl();
    }

    static HttpResponse<String> register(String email, String password, String name) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/api/customers"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\""
                                + password + "\",\"name\":\"" + name + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
