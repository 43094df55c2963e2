package io.orderflow.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedTokensUnitTest {

    private static final Instant ISSUED = Instant.parse("2026-12-02T08:00:00Z");

    /** Tokens the "signature check" saw, in order. */
    private final List<String> verifiedTokens = new ArrayList<>();

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);

    /** Stands for NimbusJwtDecoder: "verifies" every token, then runs the same validator; a token "bad" fails. */
    private final JwtDecoder verifying = token -> {
        verifiedTokens.add(token);
        if (token.startsWith("bad")) {
            throw new JwtValidationException("signature invalid", List.of(new OAuth2Error("invalid_token")));
        }
        Jwt jwt = Jwt.withTokenValue(token)
                .header("alg", "RS256")
                .subject("customer-" + token)
                .issuedAt(ISSUED)
                .expiresAt(ISSUED.plus(Duration.ofMinutes(15)))
                .build();
        var result = expiry.validate(jwt);
        if (result.hasErrors()) {
            throw new JwtValidationException("expired", result.getErrors());
        }
        return jwt;
    };

    private VerifiedTokens tokens(Duration ttl, int size) {
        expiry.setClock(Clock.fixed(ISSUED, ZoneOffset.UTC));
        return new VerifiedTokens(verifying, expiry, ttl, size, ticker);
    }

    @Test
    void aTokenIsVerifiedOnceAndThenTakenFromMemory() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);

        Jwt first = tokens.decode("a.b.c");
        Jwt second = tokens.decode("a.b.c");

        assertThat(second).isSameAs(first);
        assertThat(second.getSubject()).isEqualTo("customer-a.b.c");
        assertThat(verifiedTokens).containsExactly("a.b.c");
    }

    @Test
    void aTokenAlteredInAnyByteIsVerifiedAsAnother() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);
        tokens.decode("a.b.c");

        tokens.decode("a.b.d");

        assertThat(verifiedTokens).containsExactly("a.b.c", "a.b.d");
    }

    @Test
    void aTokenThatFailsIsNotRememberedAndFailsEveryTime() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);

        assertThatThrownBy(() -> tokens.decode("bad.b.c")).isInstanceOf(JwtValidationException.class);
        assertThatThrownBy(() -> tokens.decode("bad.b.c")).isInstanceOf(JwtValidationException.class);

        assertThat(verifiedTokens).containsExactly("bad.b.c", "bad.b.c");
        assertThat(tokens.size()).isZero();
    }

    @Test
    void theSignatureIsCheckedAgainOnceTheTimeToLiveHasPassed() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);
        tokens.decode("a.b.c");

        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        tokens.decode("a.b.c");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        tokens.decode("a.b.c");

        assertThat(verifiedTokens).containsExactly("a.b.c", "a.b.c");
    }

    @Test
    void aRememberedTokenStopsWorkingWhenItExpires() {
        VerifiedTokens tokens = tokens(Duration.ofHours(1), 100);
        tokens.decode("a.b.c");

        expiry.setClock(Clock.fixed(ISSUED.plus(Duration.ofMinutes(16)), ZoneOffset.UTC));

        // the memory is not asked: the validator runs on every use, and the decoder gives the refusal
        assertThatThrownBy(() -> tokens.decode("a.b.c"))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
        assertThat(verifiedTokens).containsExactly("a.b.c", "a.b.c");
        assertThat(tokens.size()).isZero();
    }

    @Test
    void holdsAtMostItsSize() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 10);

        for (int i = 0; i < 100; i++) {
            tokens.decode("t" + i + ".b.c");
        }

        assertThat(tokens.size()).isLessThanOrEqualTo(10);
    }
}
