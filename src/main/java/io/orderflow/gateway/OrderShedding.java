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
import java.util.Map;
import java.util.function.LongSupplier;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sheds new orders at the edge while the order module is full. When a {@code POST /api/orders} comes back 503
 * with {@code Retry-After} (the order module's admission control, or no ready instance), the gateway answers the
 * next new orders itself for {@code hold} (the same problem, {@code /problems/overloaded}, with the same
 * {@code Retry-After}) instead of passing each of them through its token check, rate limit and proxy to an order
 * process that would refuse it after its own. The first order after the hold goes through again, so the
 * refusals stop within {@code hold} of the order module taking orders again; admission control decides, the
 * gateway only repeats its answer for a moment.
 *
 * <p>Why: in the distributed benchmark's overload phase a refusal cost about 10 ms of the application's CPU across
 * the two processes, so refusing four times the maximum took the CPU the accepted orders needed (docs/benchmarks.md).
 */
final class OrderShedding extends OncePerRequestFilter {

    private final long holdNanos;
    private final LongSupplier nanoTime;
    private final Counter shed;

    /** When the current hold ends ({@link #nanoTime}), valid while {@link #holding}. */
    private volatile long holdUntil;

    private volatile boolean holding;
    private volatile String retryAfter = "1";

    OrderShedding(Duration hold, MeterRegistry meters, LongSupplier nanoTime) {
        this.holdNanos = hold.toNanos();
        this.nanoTime = nanoTime;
        this.shed = Counter.builder("orderflow.gateway.orders.shed")
                .description("New orders the gateway refused itself, repeating the order module's 503 for a moment")
                .register(meters);
    }

    /**
     * Only new orders: and not those with an {@code Idempotency-Key}, which may be the retry of an order already
     * accepted, whose stored answer the order module gives even while it is full.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return holdNanos <= 0
                || !"POST".equals(request.getMethod())
                || !"/api/orders".equals(request.getRequestURI())
                || request.getHeader("Idempotency-Key") != null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long now = nanoTime.getAsLong();
        if (holding && now - holdUntil < 0) {
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
        chain.doFilter(request, response);
        String answeredRetryAfter = response.getHeader("Retry-After");
        if (response.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value() && answeredRetryAfter != null) {
            // seconds, as the modules write it; anything else is not repeated
            retryAfter = answeredRetryAfter.matches("[0-9]{1,5}") ? answeredRetryAfter : "1";
            holdUntil = nanoTime.getAsLong() + holdNanos;
            holding = true;
        }
        // an order accepted meanwhile does not end the hold: it may have been admitted before the refusal
    }
}
