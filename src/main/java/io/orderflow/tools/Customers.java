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
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's customers: registered and signed in over the API, as the page does it, and signed in again once
 * half their tokens' lifetime has passed (a long warm-up outlives the 15-minute access tokens).
 */
final class Customers implements Supplier<List<String>> {

    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*(\\d+)");
    static final String PASSWORD = "benchmark customer passphrase";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final List<String> emails;
    private List<String> tokens = List.of();
    /** The clock the refresh is due by ({@code System::nanoTime}; a test's own). */
    private final LongSupplier nanos;

    private long refreshAtNanos;

    private Customers(String base, List<String> emails, LongSupplier nanos) {
        this.base = base;
        this.emails = List.copyOf(emails);
        this.nanos = nanos;
    }

    /** Registers {@code count} customers for this run and signs them in. */
    static Customers signUp(String baseUrl, String run, int count) throws IOException {
        return signUp(baseUrl, run, count, System::nanoTime);
    }

    static Customers signUp(String baseUrl, String run, int count, LongSupplier nanos) throws IOException {
        String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        List<String> emails = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String email =
                    "bench-" + run.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "-" + i + "@example.com";
            emails.add(email);
        }
        Customers customers = new Customers(base, emails, nanos);
        for (int i = 0; i < emails.size(); i++) {
            post(
                    customers.http,
                    base + "api/customers",
                    "{\"email\":\"" + emails.get(i) + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"Bench " + (i + 1)
                            + "\"}",
                    201);
        }
        customers.signIn();
        return customers;
    }

    /**
     * The current access tokens; signs every customer in again first once half the lifetime of the tokens has
     * passed. A failed sign-in keeps the old tokens: the orders placed with expired ones are counted as errors.
     */
    @Override
    public synchronized List<String> get() {
        if (!emails.isEmpty() && nanos.getAsLong() - refreshAtNanos >= 0) {
            try {
                signIn();
                System.out.println("  signed the " + emails.size() + " customers in again (their tokens expire)");
            } catch (IOException e) {
                System.out.println("  could not sign the customers in again: " + e.getMessage());
            }
        }
        return tokens;
    }

    /**
     * Signs every customer in now, so that no sign-in falls due for half the tokens' lifetime: the benchmark calls
     * this before its measured phases, whose CPU and latency must not include a round of password checks (Argon2,
     * tens of milliseconds of CPU each). Nothing to do for a run without customers.
     */
    synchronized void signInNow() throws IOException {
        if (!emails.isEmpty()) {
            signIn();
        }
    }

    /** How many customers sign in: none for a run of guest orders. */
    int count() {
        return emails.size();
    }

    private void signIn() throws IOException {
        List<String> fresh = new ArrayList<>();
        long lifetimeSeconds = Long.MAX_VALUE;
        long started = nanos.getAsLong();
        for (String email : emails) {
            String answer = post(
                    http,
                    base + "api/auth/token",
                    "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                    200);
            Matcher token = TOKEN.matcher(answer);
            if (!token.find()) {
                throw new IOException("no access token in the sign-in answer for " + email);
            }
            fresh.add(token.group(1));
            Matcher expires = EXPIRES_IN.matcher(answer);
            lifetimeSeconds = Math.min(lifetimeSeconds, expires.find() ? Long.parseLong(expires.group(1)) : 900);
        }
        tokens = List.copyOf(fresh);
        refreshAtNanos = emails.isEmpty()
                ? Long.MAX_VALUE
                : started + Duration.ofSeconds(Math.max(2, lifetimeSeconds / 2)).toNanos();
    }

    /** How long a sign-up or sign-in keeps trying while it is answered 503 (a module not ready yet). */
    static final Duration UNAVAILABLE_FOR_AT_MOST = Duration.ofSeconds(30);

    /**
     * Posts {@code body}; a 503 is tried again after its {@code Retry-After} as the load generator reads it, for up to
     * {@link #UNAVAILABLE_FOR_AT_MOST}: right after the ceiling the gateway may not yet have seen a resumed module
     * ready (its readiness probes are 2 s apart), and a 503 means the request was not served.
     */
    private static String post(HttpClient http, String url, String body, int expected) throws IOException {
        long deadline = System.nanoTime() + UNAVAILABLE_FOR_AT_MOST.toNanos();
        try {
            while (true) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                long left = deadline - System.nanoTime();
                if (response.statusCode() == 503 && left > 0) {
                    long wait = LoadGenerator.retryAfterNanos(response, ThreadLocalRandom.current());
                    Thread.sleep(Duration.ofNanos(Math.min(wait, left)).toMillis());
                    continue;
                }
                if (response.statusCode() != expected) {
                    throw new IOException(url + " answered " + response.statusCode() + ": " + response.body()
                            + " (are the rate limits raised for the benchmark? see scripts/benchmark.sh)");
                }
                return response.body();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
