package org.legoemu.fabric.faults;

import java.util.Locale;

/**
 * A hook an sComponent asks before each file operation whether to fail it with EIO, as a failing disk would make
 * write(2), ftruncate(2), fsync(2) or read(2) fail (Linux man pages: "EIO: A low-level I/O error occurred").
 * {@link FaultInjector#storageFaultsFor} gives the one of a STORAGE_ERROR schedule; {@link #NONE} fails nothing.
 * Implementations are thread-safe and allocate nothing when no fault is in force.
 */
@FunctionalInterface
public interface StorageFaults
{
    /** Fails nothing. */
    StorageFaults NONE = (op) -> false;

    /** The operations a storage error can hit. */
    enum Operation
    {
        READ, WRITE, TRUNCATE, FSYNC;

        /** Lower-case name, e.g. {@code fsync}. */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** True if this {@code op} must fail with EIO (decided per operation; the caller then leaves the file as is). */
    boolean fails(Operation op);
}
