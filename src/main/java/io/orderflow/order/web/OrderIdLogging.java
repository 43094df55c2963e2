package io.orderflow.order.web;

import io.orderflow.messaging.MessageTracing;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the order id of {@code /api/orders/{id}/...} requests into the MDC ({@code order_id}), so every log
 * line written while serving the request, and the structured log's field, name the order it is about.
 */
@Component
class OrderIdLogging extends OncePerRequestFilter {

    static final String ORDER_ID = MessageTracing.ORDER_ID;
    private static final Pattern ORDER_PATH = Pattern.compile("^/api/orders/([^/]+)(/.*)?$");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher matcher = ORDER_PATH.matcher(request.getRequestURI());
        if (!matcher.matches()) {
            chain.doFilter(request, response);
            return;
        }
        MDC.put(ORDER_ID, matcher.group(1));
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(ORDER_ID);
        }
    }
}
