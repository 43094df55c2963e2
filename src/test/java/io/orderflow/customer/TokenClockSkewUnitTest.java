package io.orderflow.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The customer process writes a token's times with its clock; every other process checks them with its own (with
 * {@code orderflow.security.clock-skew}, 30 s by default). Found by the distributed chaos run's
 * {@code clock-skew-module}: with a not-before time, a customer process 10 min ahead issued tokens that no other
 * process accepted for 10 min, and a process 10 min behind refused every fresh token.
 */
class TokenClockSkewUnitTest {

    private static final Duration TTL = Duration.ofMinutes(15);
    /** What every process checks a token's times with (the default tolerance). */
    private final JwtTimestampValidator validator = new JwtTimestampValidator(Duration.ofSeconds(30));

    private static Jwt token(Instant issuerClock) {
        JwtClaimsSet claims =
                Tokens.claims("orderflow", "orderflow", "operator", List.of("operator"), issuerClock, TTL);
        return Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .claims(c -> c.putAll(claims.getClaims()))
                .build();
    }

    @Test
    void aTokenFromAnIssuerWhoseClockIsAheadIsAcceptedAtOnce() {
        Jwt fromTheFuture = token(Instant.now().plus(Duration.ofMinutes(10)));

        assertThat(fromTheFuture.getClaims()).doesNotContainKey(JwtClaimNames.NBF);
        assertThat(validator.validate(fromTheFuture).hasErrors()).isFalse();
    }

    @Test
    void aTokenFromAnIssuerWhoseClockIsBehindLivesShorterButIsAccepted() {
        assertThat(validator
                        .validate(token(Instant.now().minus(Duration.ofMinutes(10))))
                        .hasErrors())
                .isFalse();
        // a clock behind by more than the token's lifetime: expired on arrival, as before
        assertThat(validator
                        .validate(token(Instant.now().minus(Duration.ofMinutes(16))))
                        .hasErrors())
                .isTrue();
    }

    @Test
    void aTokenStillExpiresByTheIssuersClock() {
        Jwt token = token(Instant.now());

        assertThat(token.getExpiresAt()).isEqualTo(token.getIssuedAt().plus(TTL));
        assertThat(validator.validate(token).hasErrors()).isFalse();
    }
}
