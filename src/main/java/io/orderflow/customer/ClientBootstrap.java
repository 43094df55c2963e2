package io.orderflow.customer;

import io.orderflow.platform.security.Roles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Nothing has a default password: the operator client gets the configured secret, or on the very first start
 * a random one, written once to {@code <data-dir>/operator-credentials} (readable by the owner only).
 * Configured further clients are created or updated with their configured secrets.
 */
class ClientBootstrap {

    private static final Logger log = LoggerFactory.getLogger(ClientBootstrap.class);
    static final String CREDENTIALS_FILE = "operator-credentials";

    private final ApiClients clients;
    private final PasswordEncoder passwords;
    private final IdentitySettings settings;

    ClientBootstrap(ApiClients clients, PasswordEncoder passwords, IdentitySettings settings) {
        this.clients = clients;
        this.passwords = passwords;
        this.settings = settings;
    }

    void run() {
        IdentitySettings.Operator operator = settings.operator();
        if (operator.clientSecret() != null && !operator.clientSecret().isBlank()) {
            configure(operator.clientId(), operator.clientSecret(), List.of(Roles.OPERATOR));
        } else {
            generateOnce(operator.clientId());
        }
        for (IdentitySettings.Client client : settings.clients()) {
            if (client.id() == null
                    || client.secret() == null
                    || client.secret().isBlank()) {
                throw new IllegalStateException("orderflow.security.clients entries need an id and a secret");
            }
            configure(client.id(), client.secret(), client.roles());
        }
    }

    /** Writes the hash only when the configured secret changed, so restarts do not re-hash for nothing. */
    private void configure(String clientId, String secret, List<String> roles) {
        var existing = clients.find(clientId);
        if (existing.isEmpty()
                || !passwords.matches(secret, existing.get().secretHash())
                || !existing.get().roles().equals(roles)) {
            clients.save(clientId, passwords.encode(secret), roles);
        }
    }

    private void generateOnce(String clientId) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path file = Path.of(settings.dataDir()).toAbsolutePath().resolve(CREDENTIALS_FILE);
        if (!clients.createIfAbsent(clientId, passwords.encode(secret), List.of(Roles.OPERATOR))) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                log.warn("Cannot restrict the permissions of {} on this file system", file);
            }
            Files.writeString(
                    file, "client_id=" + clientId + "\nclient_secret=" + secret + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the operator credentials to " + file, e);
        }
        log.warn(
                "Created the operator client '{}'; its secret is in {} (shown nowhere else; set "
                        + "orderflow.security.operator.client-secret to choose one)",
                clientId,
                file);
    }
}
