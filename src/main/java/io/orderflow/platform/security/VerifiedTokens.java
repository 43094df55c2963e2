package io.orderflow.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * A token decoder that remembers, for a short while, the access tokens whose signature it has verified: a client
 * sends the same token with every request for its lifetime, and each of them would otherwise cost an RSA
 * signature check and a JSON parse in every process the request passes (the gateway and a module). A remembered
 * token is validated again on every use (expiry, issuer, audience, type, subject), so it stops working when it
 * expires, as before; only the signature check is skipped, for at most {@code ttl} after it passed.
 *
 * <p>The key is the whole token, signature included: a token altered in any byte is another key, and is verified.
 * A signing key withdrawn from the key set (an emergency rotation) stops the tokens it signed within {@code ttl}
 * here; the key set itself is cached by the decoder for minutes, so that delay is not a new one.
 */
final class VerifiedTokens implements JwtDecoder {

    private final JwtDecoder verifying;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Cache<String, Jwt> verified;

    /**
     * @param verifying the decoder that checks the signature and then {@code validator}
     * @param validator the same checks {@code verifying} runs after the signature: run again on each remembered use
     * @param ttl how long a verified token is remembered after its verification
     * @param maximumSize how many tokens at most (the least recently used go first)
     */
    VerifiedTokens(
            JwtDecoder verifying, OAuth2TokenValidator<Jwt> validator, Duration ttl, long maximumSize, Ticker ticker) {
        this.verifying = verifying;
        this.validator = validator;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maximumSize)
                .ticker(ticker)
                .build();
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt known = verified.getIfPresent(token);
        if (known != null) {
            if (!validator.validate(known).hasErrors()) {
                return known;
            }
            // expired (or no longer acceptable): the decoder gives the answer, with its error
            verified.invalidate(token);
        }
        Jwt jwt = verifying.decode(token);
        verified.put(token, jwt);
        return jwt;
    }

    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
