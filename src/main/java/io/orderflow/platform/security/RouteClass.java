package io.orderflow.platform.security;

import java.util.Locale;

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

    boolean failsOpen() {
        return failsOpen;
    }

    /** The class of a request, or null for what is not limited (the page's files, health probes, public keys). */
    static RouteClass of(String method, String path) {
        boolean post = "POST".equals(method);
        if (post && path.equals("/api/auth/token")) {
            return SIGN_IN;
        }
        if (post && path.equals("/api/customers")) {
            return REGISTER;
        }
        if (post && path.equals("/api/orders")) {
            return PLACE_ORDER;
        }
        if (!path.startsWith("/api/") && !path.startsWith("/ws/") && !path.startsWith("/actuator/")) {
            return null;
        }
        if (path.equals("/api/health") || path.startsWith("/actuator/health")) {
            return null;
        }
        return "GET".equals(method) || "HEAD".equals(method) ? READS : WRITES;
    }
}
