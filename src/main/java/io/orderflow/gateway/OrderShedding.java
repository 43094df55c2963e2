package io.orderflow.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sheds new orders at the edge in the share the order module has lately been refusing. Over the last {@code window}
 * the gateway counts the new orders it was sent and those the order module took (answered with anything but 503 and
 * {@code Retry-After}), and answers a new order itself, with the module's last refusal ({@code /problems/overloaded},
 * its {@code Retry-After}), with probability {@code max(0, (requests - headroom x taken) / (requests + 1))}: the
 * adaptive throttling of Google's SRE book ("Handling Overload"). While the module takes at least one in
 * {@code headroom} of the orders it is sent the gateway sheds nothing; under a sustained overload it sheds what the
 * module would refuse, before the token check, the rate limit and the proxy, and passes on a little more than the
 * module takes ({@code headroom}), so that the module's admission control still decides and the shedding ends within
 * a window once it takes orders again.
 *
 * <p>Why not repeat every refusal for a fixed time: one refusal then refused every new order for that time, and
 * clients that wait as {@code Retry-After} says (a second at least) left the pipeline idle. In the distributed
 * benchmark's closed loop, 8 such clients finished half of what 4 did (docs/benchmarks.md, 2026-12-04). Why shed at
 * all: a refusal that crossed both processes cost about 10 ms of the application's CPU, so refusing four times the
 * maximum took the CPU the accepted orders needed.
 */
final class OrderShedding extends OncePerRequestFilter {

    /** The window is counted in this many slices; the oldest is dropped as a new one begins. */
    private static final int SLICES = 8;

    private final long sliceNanos;
    private final double headroom;
    private final LongSupplier nanoTime;
    private final DoubleSupplier random;
    private final Counter shed;

    /** New orders answered, and of them those the order module took, per slice; guarded by {@code this}. */
    private final long[] requests = new long[SLICES];

    private final long[] taken = new long[SLICES];
    /** The slice ({@code nanoTime / sliceNanos}) the newest counts belong to. */
    private long currentSlice;

    private volatile String retryAfter = "1";

    /**
     * @param window how far back the requests and the orders taken are counted; zero or negative turns shedding off
     * @param headroom how many requests per order taken are passed on (at least 1)
     * @param random the draw in [0, 1) that decides whether one request is shed
     */
    OrderShedding(
            Duration window, double headroom, MeterRegistry meters, LongSupplier nanoTime, DoubleSupplier random) {
        if (!(headroom >= 1)) {
            throw new IllegalArgumentException(
                    "orderflow.gateway.overload-headroom must be at least 1, not " + headroom);
        }
        this.sliceNanos = Math.max(0, window.toNanos() / SLICES);
        this.headroom = headroom;
        this.nanoTime = nanoTime;
        this.random = random;
        this.currentSlice = Math.floorDiv(nanoTime.getAsLong(), Math.max(1, sliceNanos));
        this.shed = Counter.builder("orderflow.gateway.orders.shed")
                .description("New orders the gateway refused itself, in the share the order module has been refusing")
                .register(meters);
    }

    /**
     * Only new orders: and not those with an {@code Idempotency-Key}, which may be the retry of an order already
     * accepted, whose stored answer the order module gives even while it is full.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return sliceNanos <= 0
                || !"POST".equals(request.getMethod())
                || !"/api/orders".equals(request.getRequestURI())
                || request.getHeader("Idempotency-Key") != null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (random.getAsDouble() < shareToShed()) {
            answered(false);
            shed.increment();
            response.setHeader("Retry-After", retryAfter);
            Problems.write(
                    request,
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "overloaded",
                    "The shop is taking as many orders as it can finish in time; try again shortly",
                    Map.of());
            return;
        }
        chain.doFilter(request, response); // one that fails is not counted: it says nothing of the module's room
        String answeredRetryAfter = response.getHeader("Retry-After");
        boolean refused = response.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value() && answeredRetryAfter != null;
        if (refused) {
            // seconds, as the modules write it; anything else is not repeated
            retryAfter = answeredRetryAfter.matches("[0-9]{1,5}") ? answeredRetryAfter : "1";
        }
        answered(!refused);
    }

    /**
     * The share of new orders to shed now: {@code (requests - headroom x taken) / (requests + 1)} over the window, 0
     * while the module takes what it is sent. Requests are counted when answered, so those still on their way to the
     * module are not taken for refusals.
     */
    synchronized double shareToShed() {
        advance();
        long answered = Arrays.stream(requests).sum();
        return Math.max(0, (answered - headroom * Arrays.stream(taken).sum()) / (answered + 1));
    }

    /** Counts one answered new order in the window: taken by the order module, or refused (by it or here). */
    private synchronized void answered(boolean wasTaken) {
        int slice = advance();
        requests[slice]++;
        if (wasTaken) {
            taken[slice]++;
        }
    }

    /** Moves the window to now, dropping the slices that fell out of it; the index of the current slice. */
    private int advance() {
        long now = Math.floorDiv(nanoTime.getAsLong(), sliceNanos);
        for (long s = currentSlice + 1; s <= now && s <= currentSlice + SLICES; s++) {
            int i = (int) Math.floorMod(s, (long) SLICES);
            requests[i] = 0;
            taken[i] = 0;
        }
        if (now > currentSlice) {
            currentSlice = now;
        }
        return (int) Math.floorMod(currentSlice, (long) SLICES);
    }
}
