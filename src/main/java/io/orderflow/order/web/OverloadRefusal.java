package io.orderflow.order.web;

import io.orderflow.order.OrderManagement;
import io.orderflow.platform.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a new order wait at the door while the pipeline is full, and refuses it when no room comes within
 * {@code orderflow.admission.max-wait} (admission control, ADR 0011), before anything else is done for the
 * request: before the token check, the rate limit, reading the body and Spring MVC. The 503 is the one the controller
 * gives ({@code /problems/overloaded} with {@code Retry-After}); the controller still checks, and the placing
 * transaction decides, for the orders let through. Only new orders: {@code POST /api/orders} without an
 * {@code Idempotency-Key}, since a retry with a key may get its stored answer even while the shop is full.
 *
 * <p>Why: in the embedded benchmark's overload phase (four times the maximum offered) a refusal that crossed the whole
 * filter chain and Spring MVC cost enough CPU that the phase finished half of what the closed loop did, and the
 * refused clients waited seconds for their 503 (docs/benchmarks.md). The gateway does the same in the distributed
 * mode ({@code OrderShedding}); there, this filter makes the order process's own refusals as cheap.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // after the access log and the request checks, before Spring Security's chain
class OverloadRefusal extends OncePerRequestFilter {

    private final OrderManagement orders;

    OverloadRefusal(OrderManagement orders) {
        this.orders = orders;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !"/api/orders".equals(request.getRequestURI())
                || request.getHeader("Idempotency-Key") != null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!orders.awaitRoom()) {
            response.setHeader("Retry-After", Long.toString(orders.retryAfterSeconds()));
            Problems.write(
                    request,
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "overloaded",
                    OrderManagement.OVERLOADED,
                    Map.of());
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            orders.leave(); // the place it held, if the order was not placed on it
        }
    }
}
