package io.orderflow.platform.security;

/** The roles a token can carry (claim {@code roles}); Spring Security sees each as {@code ROLE_<name>}. */
public final class Roles {

    /** A registered customer: their own orders and account. */
    public static final String CUSTOMER = "customer";
    /** An operator: every order, dead letters, operations, metrics. */
    public static final String OPERATOR = "operator";
    /** A service client (client credentials) acting for a system, not a person. */
    public static final String SERVICE = "service";

    private Roles() {}
}
