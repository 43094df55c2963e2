package io.orderflow.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application's wall clock, moved at runtime with libfaketime: the application starts with
 * {@code LD_PRELOAD=libfaketime.so.1} and {@code FAKETIME_TIMESTAMP_FILE} naming a file of the harness's that holds
 * the offset ({@code +0} at start), which libfaketime re-reads at most once a second ({@code FAKETIME_CACHE_DURATION=1}),
 * so the {@code clock-skew} nemesis moves the clock by rewriting the file, with no restart. Only the wall clock
 * ({@code CLOCK_REALTIME}: {@code System.currentTimeMillis}, {@code Instant.now}) moves:
 * {@code FAKETIME_DONT_FAKE_MONOTONIC=1} leaves {@code CLOCK_MONOTONIC} ({@code System.nanoTime}) alone, as an NTP step
 * would, and a monotonic clock jumping backwards is outside what the JVM itself promises to survive.
 */
final class FakeClock {

    /** Where Debian and Ubuntu's {@code libfaketime} package puts the library, per architecture. */
    private static final List<String> LIBRARY_CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
            "/usr/local/lib/faketime/libfaketime.so.1",
            "/usr/lib/faketime/libfaketime.so.1");

    static final String INSTALL_HINT =
            "the clock-skew faults (clock-skew, clock-skew-module) need libfaketime: apt-get install -y faketime libfaketime "
                    + "(Debian/Ubuntu), or --faketime-lib /path/to/libfaketime.so.1";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path library;
    private final Path file;
    private volatile long offsetSeconds;

    FakeClock(Path library, Path file) throws IOException {
        this.library = library;
        this.file = file.toAbsolutePath();
        set(0);
    }

    /**
     * The library: {@code configured} if given (it must exist), else the first of the usual places that exists.
     *
     * @throws IllegalStateException naming how to install it, when there is none
     */
    static Path library(String configured) {
        List<String> candidates = configured.isBlank() ? LIBRARY_CANDIDATES : List.of(configured);
        for (String candidate : candidates) {
            if (Files.isReadable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("no libfaketime at " + String.join(", ", candidates) + ": " + INSTALL_HINT);
    }

    /** What the application's process needs in its environment, from its start. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LD_PRELOAD", library.toString());
        env.put("FAKETIME_TIMESTAMP_FILE", file.toString());
        env.put("FAKETIME_CACHE_DURATION", "1");
        env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        // without this, libfaketime 0.9.10 rewrites the deadlines of the JVM's timed waits (condition variables on
        // CLOCK_MONOTONIC) as if they were wall-clock ones: every parkNanos and wait(ms) returns at once and every
        // idle pool thread spins (measured: 50 parkNanos(10 ms) in 0.2 ms)
        env.put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
        // file timestamps stay real: faking every stat() the JVM makes costs CPU and tests nothing here
        env.put("NO_FAKE_STAT", "1");
        return Map.copyOf(env);
    }

    long offsetSeconds() {
        return offsetSeconds;
    }

    /** Moves the application's wall clock to real time plus {@code seconds} (negative: behind). */
    void set(long seconds) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, (seconds >= 0 ? "+" : "") + seconds + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        offsetSeconds = seconds;
    }

    /**
     * The application's clock minus the harness's, read from the {@code Date} header of its health answers (one second
     * resolution): waits until it is within {@code tolerance} of {@code expected}, at most {@code max}, and returns it.
     *
     * @throws IOException when the application's clock did not get there (libfaketime not in effect, say)
     */
    static Duration awaitOffset(String baseUrl, Duration expected, Duration tolerance, Duration max)
            throws IOException {
        long end = System.nanoTime() + max.toNanos();
        Duration seen = null;
        List<String> errors = new ArrayList<>();
        while (System.nanoTime() < end) {
            try {
                seen = offset(baseUrl);
                if (seen.minus(expected).abs().compareTo(tolerance) <= 0) {
                    return seen;
                }
            } catch (IOException e) {
                errors.add(e.toString());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("the application's clock did not move to " + expected.toSeconds() + " s off within "
                + max.toSeconds() + " s (last seen: " + (seen == null ? "none" : seen.toSeconds() + " s")
                + (errors.isEmpty() ? "" : ", errors: " + errors.get(errors.size() - 1)) + ")");
    }

    /** The application's clock minus this one's, from one {@code Date} header. */
    static Duration offset(String baseUrl) throws IOException {
        HttpRequest health = HttpRequest.newBuilder(URI.create(baseUrl + "/api/health"))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant before = Instant.now();
        HttpResponse<Void> answer;
        try {
            answer = HTTP.send(health, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Instant after = Instant.now();
        String date = answer.headers()
                .firstValue("date")
                .orElseThrow(() -> new IOException("no Date header in the health answer"));
        Instant theirs =
                ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Instant ours = before.plus(Duration.between(before, after).dividedBy(2));
        return Duration.between(ours, theirs);
    }
}
