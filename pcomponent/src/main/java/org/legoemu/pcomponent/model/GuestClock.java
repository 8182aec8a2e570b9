package org.legoemu.pcomponent.model;

/**
 * Which time a guest reads from clock_gettime(2), gettimeofday(2), time(2), times(2), getrusage(2) and waits for in
 * nanosleep(2) (docs/modeled-time.md, "Guest clock").
 */
public enum GuestClock
{
    /** The host's clocks: what a program measures of itself is the emulator's speed. The default. */
    HOST,
    /**
     * The calling hart's modeled clock: a program that times itself reports modeled figures, and sleeps advance
     * modeled time without waiting on the host.
     */
    MODELED;

    /**
     * The clock called {@code name} ({@code host} or {@code modeled}).
     *
     * @throws IllegalArgumentException for any other name.
     */
    public static GuestClock named(final String name)
    {
        switch (name)
        {
            case "host":
                return HOST;
            case "modeled":
                return MODELED;
            default:
                throw new IllegalArgumentException("--guest-clock must be host or modeled, not '" + name + "'");
        }
    }
}
