package org.legoemu.emulator.chaos;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The cluster and fault schedule {@link ChaosClusterExtension} gives a test method (or every method of a class).
 * Without it: one pComponent, two mComponents, no fault.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ChaosSettings
{
    /** Seed of the generated schedule. */
    long seed() default 1;

    /** Fault kinds to draw (see FaultSchedule.parseKinds); empty for no generated fault. */
    String faults() default "";

    /** Faults drawn. */
    int count() default 3;

    /** Window the faults start in, milliseconds after the injector starts. */
    long durationMs() default 1000;

    int pcomponents() default 1;

    int mcomponents() default 2;

    /** ExCache of each pComponent, bytes (small, so guests talk to the mComponents). */
    long excacheBytes() default 64 * 1024;

    /** Fabric between the components: {@code inproc}, or {@code tcp} (Netty on loopback; a crash closes the crashed
     * component's connections). */
    String transport() default "inproc";

    /** How long a call between components waits for its reply, milliseconds. */
    long timeoutMs() default 1000;
}
