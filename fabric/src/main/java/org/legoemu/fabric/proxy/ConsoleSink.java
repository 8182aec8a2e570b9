package org.legoemu.fabric.proxy;

/** Receives a remote process's console output, in the order the guest wrote it. */
@FunctionalInterface
public interface ConsoleSink
{
    /**
     * @param fd     1 (stdout) or 2 (stderr).
     * @param bytes  holds the output at {@code [offset, offset+length)}; valid only during this call.
     */
    void write(int fd, byte[] bytes, int offset, int length);
}
