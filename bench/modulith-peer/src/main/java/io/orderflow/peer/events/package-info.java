/** The events the modules publish and listen to; a shared module so that no two modules depend on each other. */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package io.orderflow.peer.events;

import org.springframework.modulith.ApplicationModule;
