package io.orderflow.customer;

import com.nimbusds.jose.jwk.JWKSet;
import io.orderflow.platform.security.SecurityConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Issues short-lived access tokens (RFC 9068 JWTs signed RS256 with the current signing key). */
class Tokens {

    /** The token response of RFC 6749 section 5.1. */
    record AccessToken(String accessToken, String tokenType, long expiresIn) {}

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration ttl;

    Tokens(SigningKeys keys, IdentitySettings settings) {
        this.keys = keys;
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.ttl = settings.accessTokenTtl();
    }

    AccessToken issue(String subject, List<String> roles) {
        SigningKeys.StoredKey signer = keys.signer();
        JwtClaimsSet claims = claims(issuer, audience, subject, roles, Instant.now(), ttl);
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256)
                .keyId(signer.kid())
                .type(SecurityConfiguration.TOKEN_TYPE)
                .build();
        JWKSet signingKey = new JWKSet(signer.key());
        String token = new NimbusJwtEncoder((selector, context) -> selector.select(signingKey))
                .encode(JwtEncoderParameters.from(header, claims))
                .getTokenValue();
        return new AccessToken(token, "Bearer", ttl.toSeconds());
    }

    /**
     * The claims of a token issued at {@code now} (this process's clock). No {@code nbf}: a token is valid from its
     * issue, and a not-before time written with the issuer's clock made every other process whose clock is behind it
     * by more than {@code orderflow.security.clock-skew} refuse every fresh token (the distributed chaos run's
     * {@code clock-skew-module}: a customer process 10 min ahead issued tokens no other process accepted for 10 min).
     * {@code exp} still bounds the token by the issuer's clock; {@code iat} is informational (not checked).
     */
    static JwtClaimsSet claims(
            String issuer, String audience, String subject, List<String> roles, Instant now, Duration ttl) {
        return JwtClaimsSet.builder()
                .issuer(issuer)
                .audience(List.of(audience))
                .subject(subject)
                .claim("roles", roles)
                .claim("scope", String.join(" ", roles))
                .id(UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(ttl))
                .build();
    }
}
