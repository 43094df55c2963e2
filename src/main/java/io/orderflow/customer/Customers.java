package io.orderflow.customer;

import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Customer accounts in the {@code customer} schema. */
@Component
class Customers {

    private final JdbcClient jdbc;

    Customers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** False when the e-mail address (in any capitalisation) has an account already. */
    boolean insert(Customer customer) {
        return jdbc.sql("insert into customer.customer (id, email, name, password_hash, created_at) "
                                + "values (?, ?, ?, ?, ?) on conflict do nothing")
                        .params(
                                customer.id(),
                                customer.email(),
                                customer.name(),
                                customer.passwordHash(),
                                Timestamp.from(customer.createdAt()))
                        .update()
                == 1;
    }

    Optional<Customer> byEmail(String email) {
        return jdbc.sql("select id, email, name, password_hash, created_at from customer.customer "
                        + "where lower(email) = lower(?)")
                .param(email)
                .query(new DataClassRowMapper<>(Customer.class))
                .optional();
    }

    Optional<Customer> byId(UUID id) {
        return jdbc.sql("select id, email, name, password_hash, created_at from customer.customer where id = ?")
                .param(id)
                .query(new DataClassRowMapper<>(Customer.class))
                .optional();
    }
}
