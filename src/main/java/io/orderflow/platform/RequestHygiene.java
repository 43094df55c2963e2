package io.orderflow.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the JSON rules ({@link StrictJson}) do for bodies, this does for the rest of a request: a query
 * parameter, path or header value with a NUL byte, a control character or broken Unicode is refused with 400
 * before it can reach a query or a log line.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestHygiene extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = problemWith(request);
        if (problem != null) {
            Problems.write(
                    request,
                    response,
                    HttpStatus.BAD_REQUEST,
                    "malformed-request",
                    "The request is not well-formed: " + problem,
                    Map.of());
            return;
        }
        chain.doFilter(request, response);
    }

    private static @Nullable String problemWith(HttpServletRequest request) {
        String raw = request.getRequestURI().toLowerCase(Locale.ROOT);
        if (raw.contains("%00")
                || raw.contains("%0a")
                || raw.contains("%0d")
                || !acceptable(request.getServletPath())) {
            return "the path contains characters that are not allowed";
        }
        String query = request.getQueryString();
        if (query != null) {
            // parameters are decoded by the container; look at what the application would see
            for (Map.Entry<String, String[]> parameter : parametersOf(request).entrySet()) {
                if (!acceptable(parameter.getKey())) {
                    return "a query parameter name contains characters that are not allowed";
                }
                for (String value : parameter.getValue()) {
                    if (!acceptable(value)) {
                        return "query parameter '" + printable(parameter.getKey())
                                + "' contains characters that are not allowed";
                    }
                }
            }
        }
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            Enumeration<String> values = request.getHeaders(name);
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                if (value != null
                        && (value.indexOf('\0') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
                    return "header '" + printable(name) + "' contains characters that are not allowed";
                }
            }
        }
        return null;
    }

    /** Only for GET-style requests: reading parameters of a form POST here would consume its body early. */
    private static Map<String, String[]> parametersOf(HttpServletRequest request) {
        String type = request.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        return request.getParameterMap();
    }

    private static boolean acceptable(String value) {
        return value == null
                || (StrictJson.problemWith(value) == null
                        && value.indexOf('\n') < 0
                        && value.indexOf('\r') < 0
                        && value.indexOf('\t') < 0);
    }

    private static String printable(String value) {
        String cleaned = value.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
    }
}
