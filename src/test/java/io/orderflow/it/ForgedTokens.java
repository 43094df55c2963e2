package io.orderflow.it;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Tokens an attacker (or a clock) would present: signed with the application's real key but expired or for
 * another audience, signed with a key of the attacker's own under the real key id, unsigned ({@code alg: none}),
 * or signed with HMAC over the public key (algorithm confusion). The real key is read from the customer
 * schema, as only a test may.
 */
public final class ForgedTokens {

    private final RSAKey realKey;

    private ForgedTokens(RSAKey realKey) {
        this.realKey = realKey;
    }

    public static ForgedTokens from(JdbcClient database) {
        return database.sql("select kid, public_key, private_key from customer.signing_key where retired_at is null "
                        + "order by created_at desc limit 1")
                .query((rs, n) -> {
                    try {
                        KeyFactory factory = KeyFactory.getInstance("RSA");
                        RSAPublicKey pub =
                                (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(rs.getBytes(2)));
                        RSAPrivateKey priv =
                                (RSAPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(rs.getBytes(3)));
                        return new ForgedTokens(new RSAKey.Builder(pub)
                                .privateKey(priv)
                                .keyID(rs.getString(1))
                                .build());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .single();
    }

    private JWTClaimsSet.Builder claims(String subject, List<String> roles, Instant issued, Duration ttl) {
        return new JWTClaimsSet.Builder()
                .issuer("orderflow")
                .audience("orderflow")
                .subject(subject)
                .claim("roles", roles)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(issued))
                .notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(ttl)));
    }

    private String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(realKey.getKeyID())
                            .type(new JOSEObjectType("at+jwt"))
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid operator token, as if the server had issued it (to prove the forgeries differ only in one way). */
    public String genuine(String subject, List<String> roles) {
        return sign(
                realKey,
                claims(subject, roles, Instant.now(), Duration.ofMinutes(5)).build());
    }

    /** Real key, expired an hour ago. */
    public String expired(String subject, List<String> roles) {
        return sign(
                realKey,
                claims(subject, roles, Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1))
                        .build());
    }

    /** Real key, meant for another service. */
    public String wrongAudience(String subject, List<String> roles) {
        return sign(
                realKey,
                claims(subject, roles, Instant.now(), Duration.ofMinutes(5))
                        .audience("billing")
                        .build());
    }

    /** Real key, another issuer. */
    public String wrongIssuer(String subject, List<String> roles) {
        return sign(
                realKey,
                claims(subject, roles, Instant.now(), Duration.ofMinutes(5))
                        .issuer("evil")
                        .build());
    }

    /** The attacker's own key, under the real key's id. */
    public String wrongSignature(String subject, List<String> roles) {
        try {
            RSAKey attacker = new RSAKeyGenerator(2048).generate();
            return sign(
                    attacker,
                    claims(subject, roles, Instant.now(), Duration.ofMinutes(5)).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** No signature at all: {@code alg: none}. */
    public String unsigned(String subject, List<String> roles) {
        return new PlainJWT(claims(subject, roles, Instant.now(), Duration.ofMinutes(5))
                        .build())
                .serialize();
    }

    /** HS256 with the public key's bytes as the secret: the classic algorithm-confusion attack. */
    public String algorithmConfusion(String subject, List<String> roles) {
        try {
            byte[] secret = realKey.toPublicJWK().toRSAPublicKey().getEncoded();
            byte[] padded = Arrays.copyOf(secret, Math.max(32, secret.length));
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(realKey.getKeyID())
                            .type(new JOSEObjectType("at+jwt"))
                            .build(),
                    claims(subject, roles, Instant.now(), Duration.ofMinutes(5)).build());
            jwt.sign(new MACSigner(padded));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A genuine token whose payload was edited afterwards (roles raised to operator). */
    public String tampered(String customerToken) {
        String[] parts = customerToken.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String raised = payload.replace("\"customer\"", "\"operator\"");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(raised.getBytes()) + "."
                + parts[2];
    }
}
