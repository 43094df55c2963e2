@NullMarked
package io.orderflow.messaging.rabbit;

import org.jspecify.annotations.NullMarked;
