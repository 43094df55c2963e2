package io.orderflow.platform.security;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code orderflow.security.*}: what every process checks in an access token, and where it finds the keys.
 *
 * @param issuer the {@code iss} every token must carry (and the customer module writes)
 * @param audience the {@code aud} every token must contain
 * @param accessTokenTtl how long an access token lives
 * @param jwksUri where to fetch the public keys ({@code /.well-known/jwks.json}) when this process does not run
 *        the customer module; {@code lb://customer/...} resolves through discovery
 * @param clockSkew tolerated difference between clocks when checking {@code exp} and {@code iat}
 * @param corsAllowedOrigins browser origins other than the page's own that may call the API (none by default)
 * @param verifiedTokenTtl how long a token whose signature was verified is remembered ({@link VerifiedTokens}); 0:
 *        every request's token is verified
 * @param verifiedTokenCacheSize how many verified tokens are remembered at most
 */
@ConfigurationProperties("orderflow.security")
public record SecuritySettings(
        @DefaultValue("orderflow") String issuer,
        @DefaultValue("orderflow") String audience,
        @DefaultValue("15m") Duration accessTokenTtl,
        @Nullable String jwksUri,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue List<String> corsAllowedOrigins,
        @DefaultValue("60s") Duration verifiedTokenTtl,
        @DefaultValue("4096") int verifiedTokenCacheSize) {}
