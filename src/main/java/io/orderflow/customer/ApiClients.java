package io.orderflow.customer;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Operator and service clients (client credentials); the secret is only held as a hash. */
@Component
class ApiClients {

    record ApiClient(String clientId, String secretHash, List<String> roles) {}

    private final JdbcClient jdbc;

    ApiClients(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ApiClient> find(String clientId) {
        return jdbc.sql("select client_id, secret_hash, roles from customer.api_client where client_id = ?")
                .param(clientId)
                .query((rs, n) -> new ApiClient(rs.getString(1), rs.getString(2), Arrays.asList((String[])
                        rs.getArray(3).getArray())))
                .optional();
    }

    /** Creates the client unless one with this id exists; true when this call created it. */
    boolean createIfAbsent(String clientId, String secretHash, List<String> roles) {
        return jdbc.sql("insert into customer.api_client (client_id, secret_hash, roles) values (?, ?, ?) "
                                + "on conflict (client_id) do nothing")
                        .params(clientId, secretHash, roles.toArray(String[]::new))
                        .update()
                == 1;
    }

    void save(String clientId, String secretHash, List<String> roles) {
        jdbc.sql(
                        "insert into customer.api_client (client_id, secret_hash, roles) values (?, ?, ?) "
                                + "on conflict (client_id) do update set secret_hash = excluded.secret_hash, roles = excluded.roles")
                .params(clientId, secretHash, roles.toArray(String[]::new))
                .update();
    }
}
