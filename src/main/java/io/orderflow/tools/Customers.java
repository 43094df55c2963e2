package io.orderflow.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The benchmark's customers: registered and signed in over the API, as the page does it. */
final class Customers {

    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    static final String PASSWORD = "benchmark customer passphrase";

    private Customers() {}

    /** Registers {@code count} customers for this run and returns their access tokens. */
    static List<String> signUp(String baseUrl, String run, int count) throws IOException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String email =
                    "bench-" + run.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "-" + i + "@example.com";
            post(
                    http,
                    base + "api/customers",
                    "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"Bench " + i + "\"}",
                    201);
            String answer = post(
                    http,
                    base + "api/auth/token",
                    "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                    200);
            Matcher token = TOKEN.matcher(answer);
            if (!token.find()) {
                throw new IOException("no access token in the sign-in answer for " + email);
            }
            tokens.add(token.group(1));
        }
        return tokens;
    }

    private static String post(HttpClient http, String url, String body, int expected) throws IOException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IOException(url + " answered " + response.statusCode() + ": " + response.body()
                        + " (are the rate limits raised for the benchmark? see scripts/benchmark.sh)");
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
