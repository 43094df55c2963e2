package io.orderflow.tools;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Places orders over HTTP: closed loop (N clients, each waits for its answer) or open loop (a fixed rate,
 * latency measured from the intended send time so a stalled server is not hidden). Every order gets a
 * client-chosen id with the phase's prefix, so its fate can be read from the database afterwards.
 */
final class LoadGenerator {

    enum Kind {
        HAPPY,
        DECLINED,
        OUT_OF_STOCK,
        SHIPPING_FAILURE,
        CANCEL
    }

    /** Shares of each outcome; the rest are happy orders. */
    record Mix(double declined, double outOfStock, double shippingFailure, double cancel) {

        static Mix parse(String text) {
            Map<String, Double> r = Args.ratios(text);
            for (String key : r.keySet()) {
                if (!List.of("declined", "out_of_stock", "shipping_failure", "cancel")
                        .contains(key)) {
                    throw new IllegalArgumentException(
                            "unknown mix entry '" + key + "' (declined, out_of_stock, shipping_failure, cancel)");
                }
            }
            if (r.isEmpty()) { // the default mix; a given mix names every outcome it wants, the rest are 0
                r = Map.of("declined", 0.05, "out_of_stock", 0.03, "shipping_failure", 0.03, "cancel", 0.05);
            }
            Mix mix = new Mix(
                    r.getOrDefault("declined", 0.0),
                    r.getOrDefault("out_of_stock", 0.0),
                    r.getOrDefault("shipping_failure", 0.0),
                    r.getOrDefault("cancel", 0.0));
            if (mix.declined + mix.outOfStock + mix.shippingFailure + mix.cancel > 1) {
                throw new IllegalArgumentException("the mix adds up to more than 1");
            }
            return mix;
        }

        Kind pick(Random random) {
            double x = random.nextDouble();
            if ((x -= declined) < 0) {
                return Kind.DECLINED;
            }
            if ((x -= outOfStock) < 0) {
                return Kind.OUT_OF_STOCK;
            }
            if ((x -= shippingFailure) < 0) {
                return Kind.SHIPPING_FAILURE;
            }
            return x - cancel < 0 ? Kind.CANCEL : Kind.HAPPY;
        }

        @Override
        public String toString() {
            return "declined=" + declined + ",out_of_stock=" + outOfStock + ",shipping_failure=" + shippingFailure
                    + ",cancel=" + cancel;
        }
    }

    /** What one phase saw from the client side. */
    static final class Phase {
        static final int MAX_SECONDS = 3600;
        final String name;
        final String prefix;
        final String shape;
        final Instant startedAt = Instant.now();
        final long startNanos = System.nanoTime();
        volatile long endNanos;
        volatile Instant endedAt;
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong cancelled = new AtomicLong();
        final AtomicLong cancelTooLate = new AtomicLong();
        /** Orders the application refused with 503 because it was full (admission control): expected under overload. */
        final AtomicLong refused = new AtomicLong();

        final AtomicLongArray refusedPerSecond = new AtomicLongArray(MAX_SECONDS);
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final Map<Kind, LongAdder> kinds = new ConcurrentHashMap<>();
        final Histogram http = new SynchronizedHistogram(60_000_000L, 3);
        /**
         * The HTTP time of the placements answered 202 and of those refused with 503, apart: a phase's HTTP percentiles
         * mix both, and under overload a refusal can take longer than an acceptance (a 503 closes its connection).
         */
        final Histogram httpAccepted = new SynchronizedHistogram(60_000_000L, 3);

        final Histogram httpRefused = new SynchronizedHistogram(60_000_000L, 3);
        final AtomicLongArray acceptedPerSecond = new AtomicLongArray(MAX_SECONDS);
        final List<Histogram> httpPerSecond = new ArrayList<>();
        /** The ids of the orders answered 202, when the phase keeps them (the chaos harness looks each one up). */
        final Set<String> acceptedIds;

        Phase(String name, String prefix, String shape) {
            this(name, prefix, shape, false);
        }

        Phase(String name, String prefix, String shape, boolean keepAcceptedIds) {
            this.name = name;
            this.prefix = prefix;
            this.shape = shape;
            this.acceptedIds = keepAcceptedIds ? ConcurrentHashMap.newKeySet() : null;
        }

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        Map<String, Long> errorsByKind() {
            Map<String, Long> m = new TreeMap<>();
            errors.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }

        Map<String, Long> kinds() {
            Map<String, Long> m = new TreeMap<>();
            kinds.forEach((k, v) -> m.put(k.name().toLowerCase(Locale.ROOT), v.sum()));
            return m;
        }

        double seconds() {
            long end = endNanos == 0 ? System.nanoTime() : endNanos;
            return (end - startNanos) / 1e9;
        }

        int second(long nanos) {
            return (int) Math.max(0, Math.min(MAX_SECONDS - 1, (nanos - startNanos) / 1_000_000_000L));
        }

        /** One placement's HTTP time, also by its answer when it was a 202 or a 503. */
        void recordHttp(long intendedNanos, long doneNanos, int status) {
            long micros = Math.max(1, (doneNanos - intendedNanos) / 1000);
            http.recordValue(Math.min(micros, http.getHighestTrackableValue()));
            if (status == 202 || status == 503) {
                Histogram byAnswer = status == 202 ? httpAccepted : httpRefused;
                byAnswer.recordValue(Math.min(micros, byAnswer.getHighestTrackableValue()));
            }
            int s = second(intendedNanos);
            synchronized (httpPerSecond) {
                while (httpPerSecond.size() <= s) {
                    httpPerSecond.add(new Histogram(60_000_000L, 2));
                }
                httpPerSecond.get(s).recordValue(Math.min(micros, 60_000_000L));
            }
        }

        void finish() {
            endNanos = System.nanoTime();
            endedAt = Instant.now();
        }
    }

    private final HttpClient client;
    private final URI base;
    private final List<String> skus;
    private final Mix mix;
    /** Where the customers' access tokens come from, asked at the start of every phase (they expire). */
    private final Supplier<List<String>> tokenSource;
    /** Access tokens of signed-in customers; an order is placed (and cancelled) by the one its id picks. */
    private volatile List<String> customerTokens;

    private final Duration requestTimeout = Duration.ofSeconds(15);

    LoadGenerator(String baseUrl, List<String> skus, Mix mix) {
        this(baseUrl, skus, mix, List.of());
    }

    LoadGenerator(String baseUrl, List<String> skus, Mix mix, List<String> customerTokens) {
        this(baseUrl, skus, mix, () -> customerTokens);
    }

    /**
     * @param customerTokens the signed-in customers' current access tokens, asked for again at the start of every
     *        phase: a run longer than a token's lifetime signs its customers in again, as a real client would
     */
    LoadGenerator(String baseUrl, List<String> skus, Mix mix, Supplier<List<String>> customerTokens) {
        this.tokenSource = customerTokens;
        this.customerTokens = List.of();
        refreshTokens();
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        if (!List.of("127.0.0.1", "localhost", "::1", "[::1]").contains(base.getHost())) {
            throw new IllegalArgumentException("the benchmark loads 127.0.0.1 only, not " + base.getHost());
        }
        this.skus = skus;
        this.mix = mix;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    Mix mix() {
        return mix;
    }

    private void refreshTokens() {
        customerTokens = List.copyOf(tokenSource.get());
    }

    /**
     * N clients, each placing orders back to back until the duration ends; a client refused with 503 waits as its
     * Retry-After says, as the API asks of every client (the open loop does not: it is the storm that ignores it).
     */
    Phase closedLoop(String name, String prefix, int clients, Duration duration, Progress progress) {
        refreshTokens();
        Phase phase = new Phase(name, prefix, "closed loop, " + clients + " clients");
        long end = phase.startNanos + duration.toNanos();
        AtomicLong seq = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(
                    () -> {
                        Random random = ThreadLocalRandom.current();
                        while (System.nanoTime() < end) {
                            String id = prefix + seq.incrementAndGet();
                            Kind kind = mix.pick(random);
                            long start = System.nanoTime();
                            try {
                                HttpResponse<String> r = client.send(
                                        placeRequest(id, kind, random), HttpResponse.BodyHandlers.ofString());
                                placed(phase, id, kind, start, r.statusCode());
                                if (kind == Kind.CANCEL && r.statusCode() == 202) {
                                    cancelled(
                                            phase,
                                            client.send(
                                                            cancelRequest(id, orderToken(r.body())),
                                                            HttpResponse.BodyHandlers.discarding())
                                                    .statusCode());
                                }
                                if (r.statusCode() == 503) {
                                    // a client that asks again at once only adds refusals; this one waits as told
                                    LockSupport.parkNanos(
                                            Math.min(end - System.nanoTime(), retryAfterNanos(r, random)));
                                }
                            } catch (IOException e) {
                                phase.attempted.incrementAndGet();
                                phase.error(errorKind(e));
                                LockSupport.parkNanos(10_000_000L); // a refused connection must not spin
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    },
                    "bench-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        progress.watch(phase, duration);
        for (Thread t : threads) {
            join(t, duration.plus(requestTimeout).plusSeconds(5));
        }
        phase.finish();
        return phase;
    }

    /** The 503's Retry-After (seconds, 1 if absent), plus up to a quarter more so refused clients do not return together. */
    static long retryAfterNanos(HttpResponse<?> response, Random random) {
        long seconds = response.headers()
                .firstValue("Retry-After")
                .map(v -> {
                    try {
                        return Long.parseLong(v.strip());
                    } catch (NumberFormatException e) {
                        return 1L;
                    }
                })
                .orElse(1L);
        long nanos = Duration.ofSeconds(Math.max(1, Math.min(seconds, 30))).toNanos();
        return nanos + (long) (random.nextDouble() * nanos / 4);
    }

    /** A fixed arrival rate, whatever the server does; at most {@code maxOutstanding} requests in flight. */
    Phase openLoop(String name, String prefix, double rate, Duration duration, int maxOutstanding, Progress progress) {
        return openLoop(
                new Phase(name, prefix, String.format(Locale.ROOT, "open loop, %.0f orders/s", rate)),
                rate,
                duration,
                maxOutstanding,
                progress,
                new Random(),
                () -> false);
    }

    /**
     * The open loop for the chaos harness: the orders' contents drawn from {@code random} (a seeded one repeats
     * them), ended early once {@code stop} says so, at the latest after {@code duration}.
     */
    Phase openLoop(
            Phase phase,
            double rate,
            Duration duration,
            int maxOutstanding,
            Progress progress,
            Random random,
            BooleanSupplier stop) {
        refreshTokens();
        long total = Math.round(rate * duration.toSeconds());
        double interval = 1e9 / rate;
        AtomicInteger outstanding = new AtomicInteger();
        Thread scheduler = new Thread(
                () -> {
                    for (long i = 0; i < total && !stop.getAsBoolean(); i++) {
                        long intended = phase.startNanos + Math.round(i * interval);
                        long wait = intended - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        String id = phase.prefix + (i + 1);
                        Kind kind = mix.pick(random);
                        if (outstanding.get() >= maxOutstanding) {
                            phase.attempted.incrementAndGet();
                            phase.error("client_backlog_full");
                            continue;
                        }
                        outstanding.incrementAndGet();
                        CompletableFuture<HttpResponse<String>> f =
                                client.sendAsync(placeRequest(id, kind, random), HttpResponse.BodyHandlers.ofString());
                        f.whenComplete((r, e) -> {
                            if (e != null) {
                                phase.attempted.incrementAndGet();
                                phase.error(errorKind(
                                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
                                outstanding.decrementAndGet();
                                return;
                            }
                            placed(phase, id, kind, intended, r.statusCode());
                            if (kind == Kind.CANCEL && r.statusCode() == 202) {
                                client.sendAsync(
                                                cancelRequest(id, orderToken(r.body())),
                                                HttpResponse.BodyHandlers.discarding())
                                        .whenComplete((c, ce) -> {
                                            if (ce != null) {
                                                phase.error("cancel_" + errorKind(ce));
                                            } else {
                                                cancelled(phase, c.statusCode());
                                            }
                                            outstanding.decrementAndGet();
                                        });
                            } else {
                                outstanding.decrementAndGet();
                            }
                        });
                    }
                },
                "bench-open-loop");
        scheduler.setDaemon(true);
        scheduler.start();
        progress.watch(phase, duration);
        join(scheduler, duration.plusSeconds(5));
        long deadline = System.nanoTime() + requestTimeout.toNanos() + 5_000_000_000L;
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000L);
        }
        phase.finish();
        return phase;
    }

    private void placed(Phase phase, String id, Kind kind, long intendedNanos, int status) {
        long done = System.nanoTime();
        phase.attempted.incrementAndGet();
        phase.recordHttp(intendedNanos, done, status);
        if (status == 202) {
            if (phase.acceptedIds != null) {
                phase.acceptedIds.add(id);
            }
            phase.accepted.incrementAndGet();
            phase.acceptedPerSecond.incrementAndGet(phase.second(done));
            phase.kinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
        } else if (status == 503) {
            phase.refused.incrementAndGet();
            phase.refusedPerSecond.incrementAndGet(phase.second(done));
        } else {
            phase.error("http_" + status);
        }
    }

    private static void cancelled(Phase phase, int status) {
        if (status == 200) {
            phase.cancelled.incrementAndGet();
        } else if (status == 409) {
            phase.cancelTooLate.incrementAndGet(); // the saga got to shipping first: not an error
        } else {
            phase.error("cancel_http_" + status);
        }
    }

    /**
     * What went wrong with a request that got no answer: {@code connect_timeout} when no connection was made in time
     * (the server's accept queue full), {@code timeout} when the answer did not come in time, {@code connect_refused},
     * or {@code io_<exception>}.
     */
    static String errorKind(Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect_timeout";
        }
        if (e instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (e instanceof ConnectException) {
            return "connect_refused";
        }
        return "io_" + e.getClass().getSimpleName();
    }

    HttpRequest placeRequest(String id, Kind kind, Random random) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/orders"))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(id, kind, random)));
        customerOf(id).ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return request.build();
    }

    private Optional<String> customerOf(String orderId) {
        return customerTokens.isEmpty()
                ? Optional.empty()
                : Optional.of(customerTokens.get(Math.floorMod(orderId.hashCode(), customerTokens.size())));
    }

    /**
     * The customer who placed the order cancels it; a guest (orders carry ids the generator chose) cancels with
     * the order token its placement returned.
     */
    private HttpRequest cancelRequest(String id, String orderToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/orders/" + id + "/cancel"))
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.noBody());
        customerOf(id).ifPresent(token -> request.header("Authorization", "Bearer " + token));
        if (orderToken != null) {
            request.header("Order-Token", orderToken);
        }
        return request.build();
    }

    private static final Pattern ORDER_TOKEN = Pattern.compile("\"order_token\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");

    static String orderToken(String placementBody) {
        var matcher = ORDER_TOKEN.matcher(placementBody == null ? "" : placementBody);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** 1-5 distinct SKUs of 1-3 units; out-of-stock orders add PROD-004 (never in stock). */
    String body(String id, Kind kind, Random random) {
        int lines = 1 + random.nextInt(5);
        Set<String> chosen = new LinkedHashSet<>();
        while (chosen.size() < Math.min(lines, skus.size())) {
            chosen.add(skus.get(random.nextInt(skus.size())));
        }
        StringBuilder items = new StringBuilder();
        for (String sku : chosen) {
            items.append(items.length() == 0 ? "" : ",")
                    .append("{\"sku\":\"")
                    .append(sku)
                    .append("\",\"quantity\":")
                    .append(1 + random.nextInt(3))
                    .append('}');
        }
        if (kind == Kind.OUT_OF_STOCK) {
            items.append(",{\"sku\":\"PROD-004\",\"quantity\":1}");
        }
        String card = kind == Kind.DECLINED ? "tok_chargeDeclined" : "tok_visa";
        String country = kind == Kind.SHIPPING_FAILURE ? "ZZ" : "US";
        return "{\"order_id\":\"" + id + "\",\"customer_email\":\"bench-" + (id.hashCode() & 0xff)
                + "@example.com\",\"items\":[" + items + "],\"payment\":{\"card_token\":\"" + card
                + "\"},\"shipping_address\":{\"name\":\"Load Test\",\"line1\":\"1 Bench Street\",\"city\":\"Testville\","
                + "\"postal_code\":\"12345\",\"country\":\"" + country + "\"}}";
    }

    private static void join(Thread t, Duration max) {
        try {
            t.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints a line every two seconds while a phase runs. */
    static final class Progress {
        private final LongSupplier backlog;

        Progress(LongSupplier backlog) {
            this.backlog = backlog;
        }

        void watch(Phase phase, Duration duration) {
            Thread t = new Thread(
                    () -> {
                        long last = 0;
                        long lastNanos = phase.startNanos;
                        while (phase.endNanos == 0 && phase.seconds() < duration.toSeconds() + 30) {
                            LockSupport.parkNanos(2_000_000_000L);
                            if (phase.endNanos != 0) {
                                break;
                            }
                            long now = System.nanoTime();
                            long accepted = phase.accepted.get();
                            double rate = (accepted - last) / ((now - lastNanos) / 1e9);
                            last = accepted;
                            lastNanos = now;
                            String open;
                            try {
                                open = String.valueOf(backlog.getAsLong());
                            } catch (RuntimeException e) {
                                open = "?";
                            }
                            System.out.printf(
                                    Locale.ROOT,
                                    "  [%s] %3.0f/%ds accepted %d (%.0f/s now) errors %d http p99 %.1f ms, open orders %s%n",
                                    phase.name,
                                    phase.seconds(),
                                    duration.toSeconds(),
                                    accepted,
                                    rate,
                                    phase.errorCount(),
                                    phase.http.getValueAtPercentile(99) / 1000.0,
                                    open);
                        }
                    },
                    "bench-progress");
            t.setDaemon(true);
            t.start();
        }
    }
}
