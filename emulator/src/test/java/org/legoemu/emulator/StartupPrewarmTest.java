package org.legoemu.emulator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * Every class the startup prewarm initializes exists under the name it gives: after the mComponent's split into
 * packages by role, "org.legoemu.mcomponent.LibC" no longer did, and every {@code lego run} logged a
 * ClassNotFoundException with its stack trace.
 */
class StartupPrewarmTest
{
    @Test
    void everyPrewarmedClassExists()
    {
        for (final String name : StartupPrewarm.CLASSES)
        {
            assertDoesNotThrow(() -> Class.forName(name, false, StartupPrewarm.class.getClassLoader()), name);
        }
    }
}
