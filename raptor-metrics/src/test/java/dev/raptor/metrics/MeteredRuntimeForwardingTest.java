package dev.raptor.metrics;

import dev.raptor.core.runtime.ContainerRuntime;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metered decorator forwards every verb of the SPI, the defaulted ones too: a default it did not override would
 * answer the SPI's default (one machine, no port node...) instead of what the runtime it wraps says, silently (the
 * Swarm runtime's nodes were reported as this machine that way).
 */
class MeteredRuntimeForwardingTest {

    @Test
    void everyDefaultMethodOfTheRuntimeSpiIsOverriddenByTheMeteredRuntime() throws Exception {
        List<Method> defaults = Arrays.stream(ContainerRuntime.class.getMethods())
                .filter(Method::isDefault).filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        assertThat(defaults).extracting(Method::getName).contains("nodes", "portNode", "isolatesFiles");
        for (Method m : defaults) {
            Method declared = MeteredRuntime.class.getMethod(m.getName(), m.getParameterTypes());
            assertThat(declared.getDeclaringClass()).as("MeteredRuntime.%s forwards to the runtime it wraps", m.getName())
                    .isEqualTo(MeteredRuntime.class);
        }
    }
}
