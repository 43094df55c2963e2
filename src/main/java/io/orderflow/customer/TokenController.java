package io.orderflow.customer;

import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.RejectUnknownFields;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/auth/token}: customers sign in with e-mail and password (JSON); operator and service clients
 * use OAuth 2.0 client credentials (form-encoded, secret in the body or in HTTP Basic). The public keys that
 * verify the tokens are at {@code /.well-known/jwks.json}.
 */
@RestController
class TokenController {

    @RejectUnknownFields
    record PasswordSignIn(
            @NotBlank @Size(max = 254) String email,
            @NotNull @Size(max = 1024) String password) {

        @Override
        public String toString() {
            return "PasswordSignIn[email=" + email + ", password=(hidden)]";
        }
    }

    record KeyView(
            String kid,
            String algorithm,
            Instant createdAt,
            @Nullable Instant retiredAt,
            boolean signing) {}

    /** A client's id and secret as given in {@code Authorization: Basic}. */
    private record BasicCredentials(String id, String secret) {}

    private final SignIn signIn;
    private final SigningKeys keys;

    TokenController(SignIn signIn, SigningKeys keys) {
        this.signIn = signIn;
        this.keys = keys;
    }

    @PostMapping(path = "/api/auth/token", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Tokens.AccessToken> customer(@Valid @RequestBody PasswordSignIn request) {
        return noStore(signIn.customer(request.email(), request.password()));
    }

    @PostMapping(path = "/api/auth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Tokens.AccessToken> client(
            @RequestParam(name = "grant_type", required = false) @Nullable String grantType,
            @RequestParam(name = "client_id", required = false) @Nullable String clientId,
            @RequestParam(name = "client_secret", required = false) @Nullable String clientSecret,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
        if (!"client_credentials".equals(grantType)) {
            throw new ApiProblem(
                    HttpStatus.BAD_REQUEST,
                    "unsupported-grant-type",
                    "grant_type must be client_credentials (customers sign in with e-mail and password as JSON)",
                    Map.of("error", "unsupported_grant_type"));
        }
        Optional<BasicCredentials> basic = basic(authorization);
        String id = basic.isPresent() ? basic.get().id() : clientId;
        String secret = basic.isPresent() ? basic.get().secret() : clientSecret;
        if (id == null || secret == null || id.isBlank() || id.length() > 200 || secret.length() > 1024) {
            throw new ApiProblem(
                    HttpStatus.UNAUTHORIZED,
                    "invalid-credentials",
                    "The client id or the client secret is wrong",
                    Map.of("error", "invalid_client"));
        }
        return noStore(signIn.client(id, secret));
    }

    /** The public keys (JWK set) that verify access tokens: the signing key and recently retired ones. */
    @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> keySet() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(1)))
                .body(keys.publicKeys().toJSONObject(true));
    }

    @GetMapping("/api/auth/keys")
    List<KeyView> keys() {
        return keys.all().stream().map(TokenController::view).toList();
    }

    /** A new key signs from now on; tokens signed with the previous one stay valid until they expire. */
    @PostMapping("/api/auth/keys/rotate")
    KeyView rotate() {
        return view(keys.rotate(null));
    }

    private static KeyView view(SigningKeys.StoredKey key) {
        return new KeyView(key.kid(), "RS256", key.createdAt(), key.retiredAt(), key.retiredAt() == null);
    }

    private static ResponseEntity<Tokens.AccessToken> noStore(Tokens.AccessToken token) {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .header("Pragma", "no-cache")
                .body(token);
    }

    /** id and secret from {@code Authorization: Basic}; empty when the header is absent, not Basic or malformed. */
    private static Optional<BasicCredentials> basic(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0
                    ? Optional.empty()
                    : Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
