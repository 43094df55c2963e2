package io.orderflow.platform.security;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is asking: the subject and roles of a validated access token, or a guest (no token). Modules decide
 * ownership with it; the filter chain has already refused invalid tokens. Only a guest has no subject.
 */
public record Caller(@Nullable String subject, Set<String> roles) {

    public static final Caller GUEST = new Caller(null, Set.of());

    /** The request attribute that holds the caller once the token is checked (for the access log). */
    public static final String REQUEST_ATTRIBUTE = "orderflow.caller";

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** The caller of the current request (guest when it carries no token). */
    public static Caller current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The caller an authentication stands for: a guest unless it holds an access token. */
    public static Caller of(@Nullable Authentication authentication) {
        if (authentication instanceof JwtAuthenticationToken token) {
            return of(token.getToken());
        }
        return GUEST;
    }

    public static Caller of(Jwt jwt) {
        Object claim = jwt.getClaims().get("roles");
        Set<String> roles = claim instanceof Collection<?> values
                ? values.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet())
                : Set.of();
        return new Caller(subject(jwt), roles);
    }

    /** The Spring Security view of a token: its roles as {@code ROLE_*} authorities, named by its subject. */
    static AbstractAuthenticationToken authentication(Jwt jwt) {
        List<SimpleGrantedAuthority> authorities = of(jwt).roles().stream()
                .map(role -> new SimpleGrantedAuthority("ROLE_" + role))
                .toList();
        return new JwtAuthenticationToken(jwt, authorities, subject(jwt));
    }

    private static String subject(Jwt jwt) {
        return requireNonNull(jwt.getSubject(), "the token validator refuses a token without a subject");
    }

    public boolean isGuest() {
        return subject == null;
    }

    public boolean isOperator() {
        return roles.contains(Roles.OPERATOR);
    }

    public boolean isCustomer() {
        return roles.contains(Roles.CUSTOMER);
    }

    /** The customer's id, when the caller is a signed-in customer. */
    public Optional<String> customerId() {
        return isCustomer() ? Optional.ofNullable(subject) : Optional.empty();
    }
}
