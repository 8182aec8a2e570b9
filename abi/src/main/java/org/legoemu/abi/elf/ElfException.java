package org.legoemu.abi.elf;

/**
 * An executable that cannot be loaded: not ELF, not 64-bit little-endian RISC-V, dynamically linked, or with a
 * header or segment that points outside the file. The message is one line meant for the user.
 */
public final class ElfException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line, e.g. {@code "ELF machine is x86-64 (62), expected RISC-V (243)"}.
     */
    public ElfException(final String message)
    {
        super(message);
    }
}
