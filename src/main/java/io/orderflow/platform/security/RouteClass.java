package io.orderflow.platform.security;

import java.util.Locale;
import java.util.Optional;

/**
 * Which bucket a request draws from. Sign-in and registration are what attackers hammer, so they have tight
 * buckets, and when the shared store is down they fail closed; everything else fails open.
 */
public enum RouteClass {
    SIGN_IN(false),
    REGISTER(false),
    PLACE_ORDER(true),
    READS(true),
    WRITES(true);

    private final boolean failsOpen;

    RouteClass(boolean failsOpen) {
        this.failsOpen = failsOpen;
    }

    /** The name in settings, metrics and the {@code RateLimit} headers ({@code sign-in}, ...). */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code /orders/{id}}: one order as a seed's client reads it. */
    static boolean isSeedOrderPath(String path) {
        return path.startsWith("/orders/") && path.length() > "/orders/".length() && path.indexOf('/', 8) < 0;
    }

    boolean failsOpen() {
        return failsOpen;
    }

    /** The class of a request; empty for what is not limited (the page's files, health probes, public keys). */
    static Optional<RouteClass> of(String method, String path) {
        boolean post = "POST".equals(method);
        if (post && path.equals("/api/auth/token")) {
            return Optional.of(SIGN_IN);
        }
        if (post && path.equals("/api/customers")) {
            return Optional.of(REGISTER);
        }
        if (post && (path.equals("/api/orders") || path.equals("/orders"))) {
            return Optional.of(PLACE_ORDER); // /orders: the seeds' clients (io.orderflow.compat)
        }
        if (isSeedOrderPath(path)) {
            return Optional.of("GET".equals(method) || "HEAD".equals(method) ? READS : WRITES);
        }
        if (!path.startsWith("/api/") && !path.startsWith("/ws/") && !path.startsWith("/actuator/")) {
            return Optional.empty();
        }
        if (path.equals("/api/health") || path.startsWith("/actuator/health")) {
            return Optional.empty();
        }
        return Optional.of("GET".equals(method) || "HEAD".equals(method) ? READS : WRITES);
    }
}
