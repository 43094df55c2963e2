package io.orderflow.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Credentials of another kind are refused, not ignored: a request that says who it is must prove it. Only the
 * token endpoint takes HTTP Basic (from OAuth clients); everywhere else an {@code Authorization} header that is not
 * a bearer token is a 401, not a guest.
 */
class BearerOnly extends OncePerRequestFilter {

    private final AuthenticationEntryPoint unauthorized;

    BearerOnly(AuthenticationEntryPoint unauthorized) {
        this.unauthorized = unauthorized;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null
                && !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && !request.getRequestURI().equals("/api/auth/token")) {
            unauthorized.commence(request, response, new BadCredentialsException("not a bearer token"));
            return;
        }
        chain.doFilter(request, response);
    }
}
