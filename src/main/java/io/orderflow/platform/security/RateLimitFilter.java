package io.orderflow.platform.security;

import io.orderflow.platform.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the rate limits after the access token is checked, so a signed-in client is limited by who it is and
 * everybody else by IP address. Every limited response says where the client stands (IETF httpapi draft):
 * {@code RateLimit-Policy: "place-order";q=30;w=60} and {@code RateLimit: "place-order";r=29;t=2}; over the
 * limit: 429 with {@code Retry-After}.
 */
class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimiter limiter;

    RateLimitFilter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<RouteClass> limited = RouteClass.of(request.getMethod(), request.getRequestURI());
        if (limited.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        RouteClass routeClass = limited.get();
        Caller caller = Caller.current();
        String client = caller.isGuest() || routeClass == RouteClass.SIGN_IN
                ? "ip:" + request.getRemoteAddr()
                : "sub:" + caller.subject();
        RateLimiter.Decision decision = limiter.consume(routeClass, client);
        RateLimitSettings.Limit limit = decision.limit();
        String name = "\"" + routeClass.key() + "\"";
        response.setHeader(
                "RateLimit-Policy",
                name + ";q=" + limit.capacity() + ";w=" + limit.period().toSeconds());
        switch (decision.outcome()) {
            case ALLOWED ->
                response.setHeader("RateLimit", name + ";r=" + decision.remaining() + ";t=" + decision.secondsToFull());
            case LIMITED -> {
                response.setHeader("RateLimit", name + ";r=0;t=" + decision.secondsToFull());
                response.setHeader("Retry-After", Long.toString(Math.max(1, decision.secondsToRetry())));
                Problems.write(
                        request,
                        response,
                        HttpStatus.TOO_MANY_REQUESTS,
                        "rate-limited",
                        "Too many " + routeClass.key() + " requests; retry after "
                                + Math.max(1, decision.secondsToRetry()) + " s",
                        Map.of("route_class", routeClass.key()));
                return;
            }
            case FAILED_CLOSED -> {
                response.setHeader("Retry-After", Long.toString(decision.secondsToRetry()));
                Problems.write(
                        request,
                        response,
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "rate-limiter-unavailable",
                        "Sign-in and registration are paused while the rate limiter's store is unavailable",
                        Map.of("route_class", routeClass.key()));
                return;
            }
            case FAILED_OPEN -> {
                // let it through; the health details and the store gauge say the limiter is degraded
            }
        }
        chain.doFilter(request, response);
    }
}
