/**
 * Who may call what: the OAuth2 resource server every process runs, the roles, and {@link Caller}, which modules
 * use to decide ownership.
 */
@NamedInterface("security")
@NullMarked
package io.orderflow.platform.security;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
