package io.orderflow.customer;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RS256 keys (RSA 2048) that sign access tokens, kept in the database so they survive restarts and every instance of
 * the customer module signs with the same one. The newest unretired key signs. Rotating makes a new key the
 * signer and retires the old one, which stays published until the last token it signed has expired.
 * <p>
 * Also the key source for validating tokens in this process (a {@link JWKSource} of the public keys).
 */
class SigningKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    /** Serialises key creation across instances (pg_advisory_xact_lock). */
    private static final long LOCK = 0x6f72_6465_726b_6579L;

    private static final Duration RELOAD_EVERY = Duration.ofSeconds(30);

    /** A key as stored; {@code retiredAt} is null while it signs. */
    record StoredKey(
            String kid,
            RSAKey key,
            Instant createdAt,
            @Nullable Instant retiredAt) {}

    private record Snapshot(List<StoredKey> keys, Instant loadedAt) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Duration rotateAfter;
    /** A retired key stays published this long: the longest a token it signed can still be valid. */
    private final Duration publishAfterRetirement;

    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.EPOCH);

    SigningKeys(JdbcClient jdbc, TransactionTemplate tx, IdentitySettings settings) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.rotateAfter = settings.keys().rotateAfter();
        this.publishAfterRetirement =
                settings.accessTokenTtl().plus(settings.clockSkew()).plusMinutes(1);
    }

    /** Makes sure a signing key exists (first start) and loads the keys. */
    void initialise() {
        tx.executeWithoutResult(s -> {
            lock();
            Integer active = jdbc.sql("select count(*) from customer.signing_key where retired_at is null")
                    .query(Integer.class)
                    .single();
            if (active == 0) {
                insertNewKey();
            }
        });
        reload();
    }

    /** The key to sign with now; replaced first when it is older than {@code keys.rotate-after}. */
    StoredKey signer() {
        StoredKey current = current(fresh());
        if (current == null || current.createdAt().plus(rotateAfter).isBefore(Instant.now())) {
            log.info(
                    "Signing key {} is older than {}; rotating",
                    current == null ? "(none)" : current.kid(),
                    rotateAfter);
            return rotate(current == null ? null : current.kid());
        }
        return current;
    }

    /**
     * A new key signs from now on; the previous one is retired but still validates the tokens it signed.
     *
     * @param onlyIfCurrent rotate only if this is still the current key (another instance may have rotated
     *        already); null to rotate unconditionally
     */
    StoredKey rotate(@Nullable String onlyIfCurrent) {
        tx.executeWithoutResult(s -> {
            lock();
            String current = jdbc.sql("select kid from customer.signing_key where retired_at is null "
                            + "order by created_at desc limit 1")
                    .query(String.class)
                    .optional()
                    .orElse(null);
            if (onlyIfCurrent != null && !onlyIfCurrent.equals(current)) {
                return;
            }
            String kid = insertNewKey();
            jdbc.sql("update customer.signing_key set retired_at = now() where retired_at is null and kid <> ?")
                    .param(kid)
                    .update();
            // keys no token can need any more
            jdbc.sql("delete from customer.signing_key where retired_at < now() - make_interval(secs => ?)")
                    .param(publishAfterRetirement.toSeconds() * 2.0)
                    .update();
            log.info("Signing key rotated: {} signs from now on", kid);
        });
        return requireNonNull(
                current(reload()), "a key is retired only once its successor is stored, so one always signs");
    }

    /** The public keys tokens may be signed with: the signer and every retired key still within its grace. */
    JWKSet publicKeys() {
        return new JWKSet(published(fresh()).stream()
                .map(k -> (JWK) k.key().toPublicJWK())
                .toList());
    }

    List<StoredKey> all() {
        return fresh().keys();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        List<JWK> found = selector.select(publicKeys());
        if (found.isEmpty()) {
            // a key another instance has just created: look again before refusing the token
            reload();
            found = selector.select(publicKeys());
        }
        return found;
    }

    private List<StoredKey> published(Snapshot keys) {
        Instant cutoff = Instant.now().minus(publishAfterRetirement);
        return keys.keys().stream()
                .filter(k -> k.retiredAt() == null || k.retiredAt().isAfter(cutoff))
                .toList();
    }

    /** The key that signs now; none only before the first {@link #initialise()}. */
    private static @Nullable StoredKey current(Snapshot keys) {
        return keys.keys().stream()
                .filter(k -> k.retiredAt() == null)
                .findFirst()
                .orElse(null);
    }

    private Snapshot fresh() {
        Snapshot keys = snapshot;
        return keys.loadedAt().plus(RELOAD_EVERY).isBefore(Instant.now()) ? reload() : keys;
    }

    private Snapshot reload() {
        List<StoredKey> keys = jdbc.sql("select kid, private_key, public_key, created_at, retired_at "
                        + "from customer.signing_key order by created_at desc")
                .query((rs, n) -> new StoredKey(
                        rs.getString("kid"),
                        rsaKey(rs.getString("kid"), rs.getBytes("public_key"), rs.getBytes("private_key")),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("retired_at") == null
                                ? null
                                : rs.getTimestamp("retired_at").toInstant()))
                .list();
        Snapshot loaded = new Snapshot(keys, Instant.now());
        snapshot = loaded;
        return loaded;
    }

    private void lock() {
        jdbc.sql("select pg_advisory_xact_lock(?)")
                .param(LOCK)
                .query((rs, n) -> 1)
                .list();
    }

    private String insertNewKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build();
            String kid = key.computeThumbprint().toString();
            jdbc.sql("insert into customer.signing_key (kid, algorithm, private_key, public_key, created_at) "
                            + "values (?, 'RS256', ?, ?, ?)")
                    .params(
                            kid,
                            pair.getPrivate().getEncoded(),
                            pair.getPublic().getEncoded(),
                            Timestamp.from(Instant.now()))
                    .update();
            return kid;
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("cannot create an RS256 signing key", e);
        }
    }

    private static RSAKey rsaKey(String kid, byte[] publicKey, byte[] privateKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            RSAPublicKey pub = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(publicKey));
            RSAPrivateKey priv = (RSAPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey));
            return new RSAKey.Builder(pub)
                    .privateKey(priv)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + kid + " cannot be read", e);
        }
    }
}
