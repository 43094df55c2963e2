@NullMarked
package io.orderflow.messaging.postgres;

import org.jspecify.annotations.NullMarked;
