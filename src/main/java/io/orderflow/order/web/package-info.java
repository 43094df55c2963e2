@NullMarked
package io.orderflow.order.web;

import org.jspecify.annotations.NullMarked;
