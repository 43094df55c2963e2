package io.orderflow.platform;

import io.orderflow.platform.security.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Stamps every request with a request id ({@code X-Request-Id}: the caller's if it is well-formed, else a new
 * one), passes it on (the gateway forwards it to the module it routes to, so both log the same id), returns it,
 * and writes one structured access line per request: method, path, status, duration, client, subject.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AccessLog extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");
    private static final Logger access = LoggerFactory.getLogger("orderflow.access");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String requestId = given != null && WELL_FORMED.matcher(given).matches()
                ? given
                : UUID.randomUUID().toString();
        response.setHeader(HEADER, requestId);
        long start = System.nanoTime();
        MDC.put("request_id", requestId);
        String subject;
        try {
            chain.doFilter(new WithRequestId(request, requestId), response);
        } finally {
            subject = request.getAttribute(Caller.REQUEST_ATTRIBUTE) instanceof Caller caller ? caller.subject() : null;
            if (access.isInfoEnabled() && !request.getRequestURI().startsWith("/actuator/health")) {
                MDC.put("http.request.method", request.getMethod());
                MDC.put("url.path", request.getRequestURI());
                MDC.put("http.response.status_code", Integer.toString(response.getStatus()));
                MDC.put("event.duration_ms", Long.toString((System.nanoTime() - start) / 1_000_000));
                MDC.put("client.ip", request.getRemoteAddr());
                if (subject != null) {
                    MDC.put("user.id", subject);
                }
                access.info("{} {} {}", request.getMethod(), request.getRequestURI(), response.getStatus());
                for (String key : new String[] {
                    "http.request.method",
                    "url.path",
                    "http.response.status_code",
                    "event.duration_ms",
                    "client.ip",
                    "user.id"
                }) {
                    MDC.remove(key);
                }
            }
            MDC.remove("request_id");
        }
    }

    /** The request as downstream sees it: with the request id header set to the id this request runs under. */
    private static final class WithRequestId extends HttpServletRequestWrapper {

        private final String requestId;

        WithRequestId(HttpServletRequest request, String requestId) {
            super(request);
            this.requestId = requestId;
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? requestId : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name) ? Collections.enumeration(Set.of(requestId)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            Set<String> names = new LinkedHashSet<>(Collections.list(super.getHeaderNames()));
            names.removeIf(HEADER::equalsIgnoreCase);
            names.add(HEADER);
            return Collections.enumeration(names);
        }
    }
}
