package io.orderflow.platform.security;

import static io.orderflow.platform.security.Roles.CUSTOMER;
import static io.orderflow.platform.security.Roles.OPERATOR;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.platform.Modules;
import io.orderflow.platform.Problems;
import io.orderflow.platform.RedisConnections;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.client.RestOperations;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Who may call what, in every process (embedded, each module, the gateway): stateless bearer tokens checked by
 * Spring Security's OAuth2 resource server against the customer module's public keys. Closed by default:
 * anything not opened below needs the operator role. Ownership of an order (its customer, its order token)
 * is decided by the order module, which alone knows it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecuritySettings.class, RateLimitSettings.class})
public class SecurityConfiguration {

    /** The page needs nothing from elsewhere: no inline script, no framing, no third-party origin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /** Token types this system issues (RFC 9068 access tokens). */
    public static final String TOKEN_TYPE = "at+jwt";

    /**
     * With {@code management.observations.enable.spring.security=false} (the default here) Spring Security's
     * observations are no-ops, but it still wraps every filter of the chain, the authentication manager and the
     * authorization manager in one: the wrappers alone took 7-11 % of the request threads' CPU samples in the
     * distributed benchmark (docs/benchmarks.md). Without observations there are no wrappers either; the HTTP
     * request's own observation (its span and its metrics) stays.
     */
    @Bean
    @ConditionalOnProperty(name = "management.observations.enable.spring.security", havingValue = "false")
    SecurityObservationSettings noSpringSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain orderflowSecurity(
            HttpSecurity http, JwtDecoder jwtDecoder, ObjectProvider<RateLimiter> rateLimiter, Environment environment)
            throws Exception {
        // the registry's own API, in the discovery role only: processes register without tokens, so the
        // discovery port belongs on the private network, like the database and the broker (docs/security.md)
        boolean registry = Modules.from(environment).runs("discovery");
        // the seeds' clients' paths (io.orderflow.compat): open to guests, as the seeds' clients send no token
        boolean seedClients = Modules.from(environment).runs("order")
                && environment.getProperty(SEED_CLIENTS_ENABLED, Boolean.class, true);
        BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            bearer.commence(request, response, e); // WWW-Authenticate, as RFC 6750 asks
            Problems.write(
                    request,
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    "A valid access token is required",
                    Map.of());
        };
        // no cookies, no sessions: a bearer token is never sent by the browser on its own, so CSRF has nothing to ride
        // on
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .cors(cors -> {})
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
                .authorizeHttpRequests(access -> access
                        // the page, its assets, the API description, the public keys and the health probes
                        .requestMatchers(
                                HttpMethod.GET,
                                "/",
                                "/index.html",
                                "/app.css",
                                "/favicon.svg",
                                // the pages' ES modules: the customer page's, the console's, and those both use
                                "/app/*.js",
                                "/shared/*.js",
                                "/shared/*.css",
                                "/ops",
                                "/ops/",
                                "/ops/index.html",
                                "/ops/*.js",
                                "/ops/ops.css",
                                "/.well-known/jwks.json",
                                "/.well-known/oauth-protected-resource",
                                "/v3/api-docs",
                                "/v3/api-docs/**",
                                "/swagger-ui.html",
                                "/swagger-ui/**",
                                "/api/health",
                                "/actuator/health",
                                "/actuator/health/liveness",
                                "/actuator/health/readiness")
                        .permitAll()
                        .requestMatchers("/error")
                        .permitAll()
                        .requestMatchers(
                                request -> registry && request.getRequestURI().startsWith("/eureka/"))
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/auth/token", "/api/customers")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/products", "/api/products/**")
                        .permitAll()
                        // guest checkout; who may read or cancel an order is the order module's decision
                        .requestMatchers(HttpMethod.POST, "/api/orders", "/api/orders/*/cancel")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/orders/*", "/api/orders/*/status")
                        .permitAll()
                        // sockets without a token on the upgrade authenticate in their first message
                        .requestMatchers(HttpMethod.GET, "/ws/orders", "/ws/orders/*")
                        .permitAll()
                        .requestMatchers(request -> seedClients && isSeedClientRoute(request))
                        .permitAll()
                        .requestMatchers("/api/customers/me", "/api/customers/me/**")
                        .hasRole(CUSTOMER)
                        .requestMatchers(HttpMethod.GET, "/api/customers/*")
                        .authenticated()
                        .anyRequest()
                        .hasRole(OPERATOR))
                .oauth2ResourceServer(resource -> resource.jwt(
                                jwt -> jwt.decoder(jwtDecoder).jwtAuthenticationConverter(Caller::authentication))
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((request, response, e) -> Problems.write(
                                request,
                                response,
                                HttpStatus.FORBIDDEN,
                                "forbidden",
                                "This needs a role the access token does not have",
                                Map.of())))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized));
        http.addFilterBefore(new BearerOnly(unauthorized), BearerTokenAuthenticationFilter.class);
        http.addFilterAfter(
                (request, response, chain) -> {
                    request.setAttribute(Caller.REQUEST_ATTRIBUTE, Caller.current());
                    chain.doFilter(request, response);
                },
                BearerTokenAuthenticationFilter.class);
        rateLimiter.ifAvailable(
                limiter -> http.addFilterAfter(new RateLimitFilter(limiter), BearerTokenAuthenticationFilter.class));
        return http.build();
    }

    /** The switch of the seeds' compatibility layer ({@code io.orderflow.compat}, docs/compatibility.md). */
    static final String SEED_CLIENTS_ENABLED = "orderflow.compat.enabled";

    /** {@code POST /orders}, {@code GET /orders/{id}} and {@code GET /health}: the seeds' clients' own paths. */
    static boolean isSeedClientRoute(HttpServletRequest request) {
        String path = request.getRequestURI();
        return switch (request.getMethod()) {
            case "POST" -> path.equals("/orders");
            case "GET" -> path.equals("/health") || RouteClass.isSeedOrderPath(path);
            default -> false;
        };
    }

    @Bean
    @ConditionalOnProperty(name = "orderflow.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
    RateLimiter rateLimiter(RateLimitSettings settings, MeterRegistry meters, RedisConnections redis) {
        return new RateLimiter(settings, meters, redis);
    }

    @Bean
    @ConditionalOnProperty(name = "orderflow.rate-limit.enabled", havingValue = "true", matchIfMissing = true)
    RateLimiterHealth rateLimiterHealthIndicator(RateLimiter limiter) {
        return new RateLimiterHealth(limiter);
    }

    /** Requests the firewall refuses (encoded NUL, control characters, path tricks) get a 400 like any bad input. */
    @Bean
    WebSecurityCustomizer rejectedRequestsAreBadRequests() {
        return web -> web.requestRejectedHandler((request, response, e) -> Problems.write(
                request,
                response,
                HttpStatus.BAD_REQUEST,
                "malformed-request",
                "The request is not well-formed",
                Map.of()));
    }

    /**
     * Validates tokens with the public keys of the customer module: straight from it when it runs in this
     * process, else from {@code orderflow.security.jwks-uri} (cached; a key it does not know is fetched again,
     * so a rotation is picked up without a restart). A token whose signature passed is remembered for
     * {@code orderflow.security.verified-token-ttl} ({@link VerifiedTokens}).
     */
    @Bean
    JwtDecoder jwtDecoder(
            SecuritySettings settings,
            ObjectProvider<JWKSource<SecurityContext>> localKeys,
            ObjectProvider<KeySetClient> keySetClient) {
        JWKSource<SecurityContext> local = localKeys.getIfAvailable();
        NimbusJwtDecoder decoder;
        if (local != null) {
            decoder = NimbusJwtDecoder.withJwkSource(local)
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        } else if (settings.jwksUri() != null && !settings.jwksUri().isBlank()) {
            String uri = settings.jwksUri().strip();
            RestOperations rest;
            if (uri.startsWith("lb://")) {
                // a service id, resolved through discovery by the load-balanced client
                KeySetClient balanced = keySetClient.getIfAvailable();
                if (balanced == null) {
                    throw new IllegalStateException(uri + " needs discovery (spring.cloud.discovery.enabled=true)");
                }
                rest = balanced.rest();
                uri = "http://" + uri.substring("lb://".length());
            } else {
                rest = KeySetClient.direct().rest();
            }
            decoder = NimbusJwtDecoder.withJwkSetUri(uri)
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .restOperations(rest)
                    .build();
        } else {
            throw new IllegalStateException("This process does not run the customer module, which holds the "
                    + "signing keys: set orderflow.security.jwks-uri (ORDERFLOW_SECURITY_JWKS_URI) to its "
                    + "/.well-known/jwks.json");
        }
        OAuth2TokenValidator<Jwt> validator = validator(settings);
        decoder.setJwtValidator(validator);
        if (settings.verifiedTokenTtl().isZero() || settings.verifiedTokenCacheSize() <= 0) {
            return decoder;
        }
        return new VerifiedTokens(
                decoder,
                validator,
                settings.verifiedTokenTtl(),
                settings.verifiedTokenCacheSize(),
                Ticker.systemTicker());
    }

    static OAuth2TokenValidator<Jwt> validator(SecuritySettings settings) {
        return new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(settings.clockSkew()),
                new JwtIssuerValidator(settings.issuer()),
                new JwtAudienceValidator(settings.audience()),
                new JwtTypeValidator(TOKEN_TYPE),
                new JwtClaimValidator<Object>(JwtClaimNames.SUB, sub -> sub instanceof String s && !s.isBlank()),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null)));
    }

    /** CORS is closed (same origin only) unless origins are configured. */
    @Bean
    CorsConfigurationSource corsConfigurationSource(SecuritySettings settings) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!settings.corsAllowedOrigins().isEmpty()) {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOrigins(settings.corsAllowedOrigins());
            cors.setAllowedMethods(List.of("GET", "POST"));
            cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "Order-Token"));
            cors.setExposedHeaders(List.of(
                    "Location", "Retry-After", "RateLimit", "RateLimit-Policy", "Idempotent-Replayed", "X-Request-Id"));
            cors.setAllowCredentials(false);
            cors.setMaxAge(600L);
            source.registerCorsConfiguration("/api/**", cors);
        }
        return source;
    }
}
