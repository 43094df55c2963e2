package io.orderflow.customer;

import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.RejectUnknownFields;
import io.orderflow.platform.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Registration and the signed-in customer's account. (Their orders are the order module's: /api/customers/me/orders.) */
@RestController
@RequestMapping("/api/customers")
class CustomerController {

    /** The body of a registration. Fields a client may not set (id, roles, ...) are not part of it. */
    @RejectUnknownFields
    record Registration(
            @NotBlank
            @Size(max = 254)
            @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+", message = "must be a valid email address")
            String email,

            @NotNull @Size(min = 1, max = 1024) String password,
            @NotBlank @Size(max = 100) String name) {

        @Override
        public String toString() {
            return "Registration[email=" + email + ", name=" + name + ", password=(hidden)]";
        }
    }

    /** An account as its owner sees it: never the password or its hash. */
    record Account(String id, String email, String name, Instant createdAt) {

        static Account of(Customer customer) {
            return new Account(customer.id().toString(), customer.email(), customer.name(), customer.createdAt());
        }
    }

    private final CustomerAccounts accounts;

    CustomerController(CustomerAccounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping
    ResponseEntity<Account> register(@Valid @RequestBody Registration registration) {
        Customer customer = accounts.register(
                registration.email().strip(),
                registration.password(),
                registration.name().strip());
        return ResponseEntity.created(URI.create("/api/customers/" + customer.id()))
                .body(Account.of(customer));
    }

    @GetMapping("/me")
    Account me() {
        String id = Caller.current().customerId().orElseThrow();
        return accounts.find(id).map(Account::of).orElseThrow(() -> ApiProblem.notFound("Customer", id));
    }

    /** One account: its owner or an operator may read it; to anyone else it does not exist. */
    @GetMapping("/{id}")
    Account account(@PathVariable @Size(max = 64) String id) {
        Caller caller = Caller.current();
        if (!caller.isOperator() && !caller.customerId().map(id::equals).orElse(false)) {
            throw ApiProblem.notFound("Customer", id);
        }
        return accounts.find(id).map(Account::of).orElseThrow(() -> ApiProblem.notFound("Customer", id));
    }
}
