package org.legoemu.abi;

/**
 * A synchronous fault that kills the guest the way Linux would deliver a fatal signal: an unmapped or
 * forbidden access (SIGSEGV, with the faulting address), an illegal instruction (SIGILL, with its bits), a bus
 * error (SIGBUS). Rare by construction, so an exception; never thrown on the hit path.
 */
public final class GuestFault extends RuntimeException
{
    private final Signal signal;
    private final long address;
    private long pc;
    private final long instructionBits;

    public GuestFault(final Signal signal, final long address, final long pc, final long instructionBits,
        final String message)
    {
        super(message, null, false, false);
        this.signal = signal;
        this.address = address;
        this.pc = pc;
        this.instructionBits = instructionBits;
    }

    /** A SIGSEGV at {@code address}; the pc is filled in by the hart ({@link #withPc}). */
    public static GuestFault segv(final long address, final String why)
    {
        return new GuestFault(Signal.SIGSEGV, address, -1, 0, why);
    }

    public Signal signal()
    {
        return signal;
    }

    /** The faulting data or fetch address (SIGSEGV/SIGBUS), or the pc (SIGILL). */
    public long address()
    {
        return address;
    }

    /** The pc of the faulting instruction, or -1 if not known yet. */
    public long pc()
    {
        return pc;
    }

    /** The raw instruction bits for SIGILL (16 or 32 bits), otherwise 0. */
    public long instructionBits()
    {
        return instructionBits;
    }

    /** Records the pc of the faulting instruction if none was recorded; returns this. */
    public GuestFault withPc(final long pc)
    {
        if (this.pc == -1)
        {
            this.pc = pc;
        }
        return this;
    }

    /** One line as a user reads it, e.g. {@code SIGSEGV: address 0x0 pc 0x10234 (unmapped)}. */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder(signal.name());
        if (signal == Signal.SIGILL)
        {
            sb.append(": illegal instruction 0x").append(Long.toHexString(instructionBits));
            sb.append(" at pc 0x").append(Long.toHexString(pc));
        }
        else
        {
            sb.append(": address 0x").append(Long.toHexString(address));
            sb.append(" pc 0x").append(Long.toHexString(pc));
        }
        if (getMessage() != null)
        {
            sb.append(" (").append(getMessage()).append(')');
        }
        return sb.toString();
    }
}
